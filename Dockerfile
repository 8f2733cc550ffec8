# syntax=docker/dockerfile:1
# Build: JDK 17 + Maven + Node 20 (the Vaadin production build uses this npm; it never downloads Node).
FROM node:20-bookworm-slim AS node
FROM maven:3.9-eclipse-temurin-17 AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s /usr/local/lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /src
COPY pom.xml ./
COPY src ./src
COPY frontend ./frontend
COPY db/migration ./db/migration
RUN mvn -B -q package -DskipTests

# Run: a JRE 17 only, as a non-root user, with the H2 data on a volume.
FROM eclipse-temurin:17-jre
RUN useradd --system --create-home --home-dir /app gradient && apt-get update \
    && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/target/gradient-lab.jar /app/gradient-lab.jar
COPY scripts/jvm.options /app/jvm.options
RUN mkdir -p /app/db/data && chown -R gradient /app
USER gradient
ENV PORT=8080 OMP_NUM_THREADS=1 JAVA_TOOL_OPTIONS="-Dorg.bytedeco.javacpp.cachedir=/app/.javacpp"
VOLUME ["/app/db/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS http://localhost:8080/api/health || exit 1
# the heap cap and ND4J's off-heap caps, chosen by measurement (docs/benchmarks.md)
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/gradient-lab.jar"]
