# Parley's production image. The builder compiles the server (TypeScript), the web app (Vite) and the native
# SQLite module; the runtime stage holds only production dependencies, dist/ and bin/, and runs as `node`.
#   docker build -t parley .          (docs/deploy.md; docker-compose.yml builds it the same way)

FROM node:20-bookworm AS builder
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# dependencies first: this layer is reused until package-lock.json changes
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY web ./web
# then only what runs stays: production dependencies, and of the native SQLite module its compiled binary (its
# sources and object files are 25 MB)
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -f dist/.tsbuildinfo \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv better_sqlite3.node build/Release/

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=builder /app/package.json ./
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/dist ./dist
COPY --from=builder /app/bin ./bin
# DATA_DIR belongs to the user Parley runs as; a named volume mounted there starts with this owner
RUN ln -s /app/bin/parley.js /usr/local/bin/parley \
 && mkdir -p /data \
 && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
# liveness: the process answers HTTP on its own port (PORT may be changed per container)
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["parley"]
CMD ["start"]
