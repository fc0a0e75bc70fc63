# Optional Rasa NLU server (compose profile "rasa"), built with the project's own scripts in deploy/rasa/:
# build.sh installs the pinned Rasa 3.6.21 lock into a venv, train.sh trains on nlu/data.
#   docker build -f deploy/rasa.Dockerfile -t helpline-rasa .
FROM python:3.10-slim-bookworm
ENV HELPLINE_RASA_PYTHON=/usr/local/bin/python3.10 \
    HELPLINE_RASA_VENV=/opt/rasa/venv \
    HELPLINE_RASA_MODELS=/opt/rasa/models \
    HELPLINE_RASA_HOME=/opt/rasa/home \
    HOME=/opt/rasa/home \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /opt/helpline
COPY deploy/rasa ./deploy/rasa
COPY nlu/data ./nlu/data
COPY nlu/rasa ./nlu/rasa
RUN deploy/rasa/build.sh >/dev/null \
 && deploy/rasa/train.sh | tail -n 1 > /opt/rasa/models/CURRENT \
 && rm -rf /opt/rasa/home/.cache \
 && useradd --system --uid 10002 --home-dir /opt/rasa/home --no-create-home rasa \
 && chown -R rasa /opt/rasa/home
USER 10002
EXPOSE 5005
# serve.sh binds 127.0.0.1 for local use; in a container it must listen on the compose network
CMD ["sh", "-c", "cd /opt/rasa/home && exec /opt/rasa/venv/bin/rasa run --enable-api -i 0.0.0.0 -p 5005 -m \"$(cat /opt/rasa/models/CURRENT)\""]
