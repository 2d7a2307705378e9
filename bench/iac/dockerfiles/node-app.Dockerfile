FROM node:latest
WORKDIR /usr/src/app
COPY package*.json ./
RUN npm install
RUN npm install -g pm2
COPY . .
USER node
EXPOSE 3000
CMD ["node", "server.js"]
