"""What only a server needs: the training queue, the text store, links, UI limits, allocator settings.

No Streamlit import here: tested on its own."""
