# kubemu in one image: build with the dev toolchain, run on a slim Node as a non-root user.
# The Kubernetes OpenAPI spec and protobuf schemas are not part of the repository: put them in
# ./openapi/swagger.json and ./proto/ (node openapi/download-spec.mjs fetches both) before building.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY openapi ./openapi
COPY proto ./proto
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    KUBEMU_OPENAPI_SPEC=/app/openapi/swagger.json \
    KUBEMU_PROTO_DIR=/app/proto
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/openapi ./openapi
COPY --from=build /src/proto ./proto
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 6443
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD node -e "require('https').get({host:'127.0.0.1',port:6443,path:'/livez',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
ENTRYPOINT ["node", "--max-semi-space-size=32", "dist/src/main.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "6443", "--data-dir", "/data", "--kubeconfig", "/data/kubeconfig", "--tls-host", "localhost"]
