"""Documents built from plain data (the weekly brief as PowerPoint and PDF): no Streamlit, no SQL, no translations."""
