"""Pure computations on small frames: fiscal calendar, KPIs, SDG scoring. No Streamlit, no SQL."""
