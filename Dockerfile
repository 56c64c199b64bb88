# The Spec-Ops worker image: the shaded jar and the bundled stories260k model on a Java 17 runtime.
# docker-compose.yml builds it for the workers and the topic job; k8s/base/statefulset.yaml runs it.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The pom alone first, so that a source change does not download the dependencies again.
COPY pom.xml spotbugs-exclude.xml ./
RUN mvn -B -ntp -q dependency:go-offline -Dmaven.test.skip=true || true
COPY src/main src/main
COPY topics topics
COPY models/stories260k models/stories260k
# The quality gate (tests, SpotBugs, formatting) runs in CI through `mvn verify`, not in the image build.
RUN mvn -B -ntp -q package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
RUN groupadd --gid 10001 spec-ops \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent spec-ops \
    && mkdir -p /var/lib/spec-ops/state \
    && chown -R 10001:10001 /var/lib/spec-ops
WORKDIR /opt/spec-ops
COPY --from=build /src/target/spec-ops.jar spec-ops.jar
COPY --from=build /src/models/stories260k models/stories260k
USER 10001:10001
# The tokenizer's native library unpacks under DJL_CACHE_DIR: /tmp, the one writable place besides the state
# volume (k8s/ mounts the root file system read-only and an emptyDir at /tmp).
# TOKENIZERS_PARALLELISM=false: the tokenizer's own thread pool made two worker processes on one
# host no faster than one (README, "The Kafka path": 932 against 1004 tokens/s; 1664 with it off).
ENV SPECOPS_MODEL_DIR=/opt/spec-ops/models/stories260k \
    SPECOPS_WORKER_STATE_DIR=/var/lib/spec-ops/state \
    DJL_CACHE_DIR=/tmp/djl \
    TOKENIZERS_PARALLELISM=false
VOLUME /var/lib/spec-ops/state
# /metrics, /health/live and /health/ready
EXPOSE 9404
ENTRYPOINT ["java", "-jar", "/opt/spec-ops/spec-ops.jar"]
CMD ["worker"]
