"""Streamlit's own floor for the browser benchmark: one line of text, nothing of War Room."""
import streamlit as st

st.write("War Room floor")
