FROM eclipse-temurin:21-jre
RUN apt update && apt install -y fontconfig
WORKDIR app
COPY target/app.jar app.jar
ARG DB_PASSWORD
RUN chmod 777 /app
EXPOSE 8080
ENTRYPOINT java -jar app.jar
