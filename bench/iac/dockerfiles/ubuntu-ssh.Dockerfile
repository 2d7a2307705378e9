FROM ubuntu:22.04
MAINTAINER ops@example.com
RUN apt-get update
RUN apt-get install -y openssh-server sudo && rm -rf /var/lib/apt/lists/*
RUN sudo mkdir /var/run/sshd
RUN wget -O - https://example.com/key.gpg | apt-key add -
EXPOSE 22
USER root
CMD ["/usr/sbin/sshd", "-D"]
