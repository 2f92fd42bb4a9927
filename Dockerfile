# Production image: compiled JavaScript (dist/), production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY bots ./bots
COPY graphs ./graphs
COPY jobs ./jobs
# npm ci runs the prepare script, which compiles to dist/ (src/cli/build.js).
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates bubblewrap && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY src/cli/bin.js ./src/cli/bin.js
ENV NODE_ENV=production
# Inside the container AUREA must take requests from outside it (the default is loopback).
ENV HOST=0.0.0.0
EXPOSE 3000
ENTRYPOINT ["node", "src/cli/bin.js"]
CMD ["start"]
