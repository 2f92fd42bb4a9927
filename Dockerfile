FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY bots ./bots
COPY graphs ./graphs
COPY jobs ./jobs
ENV NODE_ENV=production
EXPOSE 3000
ENTRYPOINT ["node", "src/cli/bin.js"]
CMD ["start"]
