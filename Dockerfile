# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
# The workflow code bundled once, here: workers load it (DANVAN_WORKFLOW_BUNDLE) instead of running webpack at start.
RUN node dist/worker/bundle.js dist/workflow-bundle.js

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# dist/ is the whole app, the workflow bundle included.
COPY --from=build /app/dist ./dist
# The default data folder resolves inside dist/, which the non-root user cannot write to.
# analytics/ is where compose mounts the projection's volume: a new named volume takes this folder's owner.
RUN mkdir -p /app/.data/analytics && chown -R node:node /app/.data
ENV DANVAN_DATA_DIR=/app/.data
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]
