FROM alpine
RUN apk update && apk add curl bash git
RUN curl -fsSL https://example.com/install.sh | sh
ADD https://example.com/tool.tar.gz /opt/
ADD config.yaml /etc/tool/
ENV API_TOKEN=abc123
RUN cd /opt && tar xzf tool.tar.gz
ENTRYPOINT ["/opt/tool/run"]
