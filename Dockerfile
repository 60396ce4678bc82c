# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# The worker bundles workflow code from dist/workflows when it starts, so dist/ is the whole app.
COPY --from=build /app/dist ./dist
# The default data folder resolves inside dist/, which the non-root user cannot write to.
RUN mkdir -p /app/.data && chown node:node /app/.data
ENV DANVAN_DATA_DIR=/app/.data
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]
