package io.specops.metrics;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KEDA's ScaledObject ({@code keda.sh/v1alpha1}), written down from KEDA's documented spec fields
 * as strict records: Jackson fails on any field not listed here. The HPA behaviour KEDA passes on
 * is Kubernetes' own type, so it is checked by the typed model.
 */
record KedaScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    record Spec(
            ScaleTargetRef scaleTargetRef,
            Integer pollingInterval,
            Integer cooldownPeriod,
            Integer initialCooldownPeriod,
            Integer idleReplicaCount,
            Integer minReplicaCount,
            Integer maxReplicaCount,
            Fallback fallback,
            Advanced advanced,
            List<Trigger> triggers) {}

    record ScaleTargetRef(String apiVersion, String kind, String name, String envSourceContainerName) {}

    record Fallback(Integer failureThreshold, Integer replicas) {}

    record Advanced(
            Boolean restoreToOriginalReplicaCount, HorizontalPodAutoscalerConfig horizontalPodAutoscalerConfig) {}

    record HorizontalPodAutoscalerConfig(String name, HorizontalPodAutoscalerBehavior behavior) {}

    record Trigger(
            String type,
            String name,
            Boolean useCachedMetrics,
            String metricType,
            Map<String, String> metadata,
            AuthenticationRef authenticationRef) {}

    record AuthenticationRef(String name, String kind) {}

    /** The Kafka scaler's documented metadata keys. */
    static final Set<String> KAFKA_TRIGGER_KEYS = Set.of(
            "bootstrapServers",
            "consumerGroup",
            "topic",
            "lagThreshold",
            "activationLagThreshold",
            "offsetResetPolicy",
            "allowIdleConsumers",
            "excludePersistentLag",
            "scaleToZeroOnInvalidOffset",
            "limitToPartitionsWithLag",
            "partitionLimitation",
            "ensureEvenDistributionOfPartitions",
            "version",
            "sasl",
            "tls");
}
