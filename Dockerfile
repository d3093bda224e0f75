# The lab in a container: slim Python, a non-root user, the README's run command, a health check.
#   docker build -t attention-lab . && docker run -p 8501:8501 attention-lab
# Several replicas behind nginx with sticky sessions: compose.yaml (docker compose up --scale lab=3).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # freed training memory goes back to the system after a class's wave (lab/serving/queue.py does it too)
    MALLOC_ARENA_MAX=2 \
    # long texts for links live here; mount one volume for all replicas of one machine (README)
    LAB_STORE_PATH=/data/texts.sqlite3 \
    # listen on every interface inside the container (browser.serverAddress in config.toml keeps the
    # start from looking up external addresses; set STREAMLIT_BROWSER_SERVER_ADDRESS to the public name)
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501

# Chinese characters in charts and exported pictures (vl-convert draws with the system's fonts); packages.txt says
# the same to Streamlit Community Cloud
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 lab && mkdir -p /data && chown lab /data
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=lab . .
# the lab's bytecode, built once here: with PYTHONDONTWRITEBYTECODE every start would compile its modules again
RUN python -m compileall -q app.py attention lab
USER lab

EXPOSE 8501
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).status != 200)"

CMD ["streamlit", "run", "app.py"]
