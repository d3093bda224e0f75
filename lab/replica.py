"""Which server wrote a link: so a page that reconnects to another replica (its own died) can say so.

Behind a load balancer a browser stays on one replica (a cookie); when that replica dies, the browser's page
reconnects to another, which starts a new session from the URL. The URL says which server wrote it (a
short digest, not the host name) whenever the session has a model or is training one; the new server
compares it with its own: the same id is a restart of the same server, another is a takeover.
"""

from __future__ import annotations

import hashlib
import os
import socket
from functools import cache

import streamlit as st

SERVER_MARK = "server"
"""Link key: the server that wrote the link, while the session has a model (left out of shared links)."""
SERVER_ID_ENV = "LAB_SERVER_ID"


def server_id(name: str) -> str:
    """The id a link carries for a server named `name` (8 hex digits of its SHA-256)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


@cache
def this_server() -> str:
    """This server's id: $LAB_SERVER_ID, else one made of the host name and port, which a restarted process
    keeps (the same container or pod, the same port) and another replica does not share."""
    return server_id(
        os.environ.get(SERVER_ID_ENV, "").strip() or f"{socket.gethostname()}:{st.get_option('server.port')}"
    )


def written_elsewhere(query: dict[str, str]) -> bool:
    """True if another server wrote this link (a link without the mark was written by nobody in particular)."""
    return query.get(SERVER_MARK, this_server()) != this_server()
