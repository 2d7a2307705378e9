FROM debian:12-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311 curl=7.88.1-10+deb12u8 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY --chown=10001:10001 app /srv/app
HEALTHCHECK --interval=30s CMD curl -fs http://localhost:8080/healthz || exit 1
USER 10001
ENTRYPOINT ["/srv/app"]
