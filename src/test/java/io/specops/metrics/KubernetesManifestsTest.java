package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.specops.TestModels;
import io.specops.config.ConfigException;
import io.specops.config.SpecOpsConfig;
import io.specops.config.WorkerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in {@code k8s/} checked offline, without a cluster or a download.
 *
 * <ul>
 *   <li><b>Schema</b>: each document is read into the typed model of its kind: fabric8's
 *       Kubernetes models (generated from the Kubernetes API's Go types) for the built-in kinds and
 *       the Prometheus Operator's ServiceMonitor, and {@link KedaScaledObject} (written down from
 *       KEDA's documented fields) for the ScaledObject. A field the type does not have fails: the
 *       models keep unknown fields aside in {@code additionalProperties}, which this test requires to
 *       be empty everywhere, and the KEDA records reject them outright. Every quantity must parse.
 *   <li><b>Wiring</b>: selectors select the pods, probes and Services name ports that exist and
 *       paths the worker serves, autoscalers target the StatefulSet and stop at the prompts topic's
 *       partition count, the ConfigMap is a valid worker configuration, and the grace period covers
 *       the drain.
 * </ul>
 */
class KubernetesManifestsTest {

    private static final Path K8S = TestModels.projectDirectory().resolve("k8s");
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Map<String, Class<?>> KINDS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
            "keda.sh/v1alpha1/ScaledObject", KedaScaledObject.class);

    private static final List<Object> RESOURCES = new ArrayList<>();

    @BeforeAll
    static void readEveryManifest() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(K8S)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            var parser = new YAMLFactory().createParser(file.toFile());
            for (var documents = YAML.readValues(parser, JsonNode.class); documents.hasNext(); ) {
                JsonNode document = documents.next();
                String kind = document.path("apiVersion").asText() + "/"
                        + document.path("kind").asText();
                Class<?> type = KINDS.get(kind);
                assertThat(type)
                        .as(file + ": kind " + kind + " has no schema here")
                        .isNotNull();
                Object resource = YAML.treeToValue(document, type);
                List<String> unknown = new ArrayList<>();
                collectUnknownFields(resource, kind, unknown);
                assertThat(unknown)
                        .as(file + ": fields the " + kind + " schema does not have")
                        .isEmpty();
                RESOURCES.add(resource);
            }
        }
    }

    @Test
    void every_manifest_is_one_of_the_expected_kinds_and_every_quantity_parses() {
        assertThat(RESOURCES)
                .extracting(r -> r.getClass().getSimpleName())
                .contains(
                        "ConfigMap",
                        "Service",
                        "StatefulSet",
                        "PodDisruptionBudget",
                        "ServiceMonitor",
                        "KedaScaledObject",
                        "HorizontalPodAutoscaler");
        Container worker = worker();
        for (Map<String, Quantity> quantities : List.of(
                worker.getResources().getRequests(), worker.getResources().getLimits())) {
            quantities
                    .values()
                    .forEach(q -> assertThat(Quantity.getAmountInBytes(q)).isPositive());
        }
        BigDecimal requestMemory =
                Quantity.getAmountInBytes(worker.getResources().getRequests().get("memory"));
        BigDecimal limitMemory =
                Quantity.getAmountInBytes(worker.getResources().getLimits().get("memory"));
        assertThat(limitMemory).isGreaterThanOrEqualTo(requestMemory);
        // The highest RSS measured under load (k8s/README.md) must fit the request.
        assertThat(requestMemory).isGreaterThan(BigDecimal.valueOf(439L << 20));
    }

    @Test
    void the_stateful_set_selects_its_pods_and_keeps_its_state_directory_on_a_volume() {
        StatefulSet set = one(StatefulSet.class);
        Map<String, String> podLabels =
                set.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());
        Service governing = all(Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals(set.getSpec().getServiceName()))
                .findFirst()
                .orElseThrow();
        assertThat(governing.getSpec().getClusterIP()).isEqualTo("None");

        String stateVolume =
                set.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
        String stateMount = worker().getVolumeMounts().stream()
                .filter(m -> m.getName().equals(stateVolume))
                .findFirst()
                .orElseThrow()
                .getMountPath();
        assertThat(workerConfig().stateDirectory()).isEqualTo(Path.of(stateMount));
    }

    @Test
    void probes_ask_the_worker_endpoints_on_its_metrics_port() {
        Container worker = worker();
        List<String> portNames =
                worker.getPorts().stream().map(ContainerPort::getName).toList();
        ContainerPort metricsPort = worker.getPorts().stream()
                .filter(p -> p.getName().equals("metrics"))
                .findFirst()
                .orElseThrow();
        assertThat(metricsPort.getContainerPort()).isEqualTo(workerConfig().metricsPort());
        assertThat(probe(worker.getStartupProbe(), portNames)).isEqualTo("/health/ready");
        assertThat(probe(worker.getReadinessProbe(), portNames)).isEqualTo("/health/ready");
        assertThat(probe(worker.getLivenessProbe(), portNames)).isEqualTo("/health/live");
    }

    private static String probe(Probe probe, List<String> portNames) {
        assertThat(probe).isNotNull();
        IntOrString port = probe.getHttpGet().getPort();
        assertThat(portNames).contains(port.getStrVal());
        return probe.getHttpGet().getPath();
    }

    @Test
    void the_service_monitor_scrapes_the_metrics_service_which_selects_the_pods() {
        Map<String, String> podLabels =
                one(StatefulSet.class).getSpec().getTemplate().getMetadata().getLabels();
        ServiceMonitor monitor = one(ServiceMonitor.class);
        Service metrics = all(Service.class).stream()
                .filter(s -> s.getMetadata()
                        .getLabels()
                        .entrySet()
                        .containsAll(
                                monitor.getSpec().getSelector().getMatchLabels().entrySet()))
                .findFirst()
                .orElseThrow();
        assertThat(podLabels).containsAllEntriesOf(metrics.getSpec().getSelector());
        String endpointPort = monitor.getSpec().getEndpoints().get(0).getPort();
        assertThat(metrics.getSpec().getPorts())
                .anyMatch(p -> p.getName().equals(endpointPort)
                        && p.getTargetPort().getStrVal().equals("metrics"));
        assertThat(monitor.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/metrics");
        assertThat(metrics.getMetadata().getLabels().get(monitor.getSpec().getJobLabel()))
                .as("the job label the alert rules expect")
                .isEqualTo("specops-worker");
    }

    @Test
    void the_disruption_budget_covers_the_workers_and_lets_one_go_at_a_time() {
        PodDisruptionBudget budget = one(PodDisruptionBudget.class);
        assertThat(one(StatefulSet.class).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void both_autoscalers_target_the_workers_and_stop_at_the_prompt_partitions() throws IOException {
        int partitions = YAML.readTree(TestModels.projectDirectory()
                        .resolve("topics/prompts.json")
                        .toFile())
                .path("partitions")
                .asInt();
        String topic = YAML.readTree(TestModels.projectDirectory()
                        .resolve("topics/prompts.json")
                        .toFile())
                .path("name")
                .asText();
        StatefulSet set = one(StatefulSet.class);

        KedaScaledObject keda = one(KedaScaledObject.class);
        assertThat(keda.spec().scaleTargetRef().kind()).isEqualTo("StatefulSet");
        assertThat(keda.spec().scaleTargetRef().name())
                .isEqualTo(set.getMetadata().getName());
        assertThat(keda.spec().maxReplicaCount()).isEqualTo(partitions);
        assertThat(keda.spec().minReplicaCount()).isBetween(1, partitions);
        KedaScaledObject.Trigger trigger = keda.spec().triggers().get(0);
        assertThat(trigger.type()).isEqualTo("kafka");
        assertThat(KedaScaledObject.KAFKA_TRIGGER_KEYS)
                .containsAll(trigger.metadata().keySet());
        assertThat(trigger.metadata())
                .containsEntry("topic", topic)
                .containsEntry("consumerGroup", workerConfig().applicationId())
                .containsKeys("bootstrapServers", "lagThreshold");
        assertThat(Integer.parseInt(trigger.metadata().get("lagThreshold"))).isPositive();

        HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("StatefulSet");
        assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(set.getMetadata().getName());
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(partitions);
        String externalMetric =
                hpa.getSpec().getMetrics().get(0).getExternal().getMetric().getName();
        JsonNode adapterRules = YAML.readTree(all(ConfigMap.class).stream()
                .filter(c -> c.getData().containsKey("config.yaml"))
                .findFirst()
                .orElseThrow()
                .getData()
                .get("config.yaml"));
        JsonNode rule = adapterRules.path("externalRules").get(0);
        assertThat(rule.path("name").path("as").asText()).isEqualTo(externalMetric);
        assertThat(rule.path("seriesQuery").asText())
                .startsWith(MetricNames.prometheusName(MetricNames.PROMPTS_COMMITTED_LAG, MetricNames.Kind.GAUGE))
                .contains("topic=\"" + topic + "\"");
    }

    @Test
    void the_config_map_is_a_valid_worker_configuration_and_the_grace_period_covers_its_drain() {
        WorkerConfig config = workerConfig();
        long grace = one(StatefulSet.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        // Worker.close: the drain, then up to 30 s for Kafka Streams to close and leave the group.
        assertThat(grace).isGreaterThanOrEqualTo(config.drainTimeout().toSeconds() + 30);
        String bootstrapVariable = worker().getEnv().stream()
                .filter(e -> e.getName().equals("SPECOPS_KAFKA_BOOTSTRAP_SERVERS"))
                .findFirst()
                .orElseThrow()
                .getValueFrom()
                .getConfigMapKeyRef()
                .getKey();
        assertThat(configMap().getData()).containsKey(bootstrapVariable);
        // Service links would put SPECOPS_WORKER_SERVICE_HOST and others into the environment, read as settings.
        assertThat(one(StatefulSet.class).getSpec().getTemplate().getSpec().getEnableServiceLinks())
                .isFalse();
        assertThatThrownBy(() -> SpecOpsConfig.from(Map.of("worker.service.host", "10.0.0.1")))
                .as("an unknown setting is refused")
                .isInstanceOf(ConfigException.class);
    }

    private static WorkerConfig workerConfig() {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(configMap().getData().get("worker.properties")));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Map<String, String> settings = new HashMap<>();
        properties.forEach((key, value) -> settings.put(key.toString(), value.toString()));
        // Model files are only checked when the engine loads them; the directory is the image's.
        return SpecOpsConfig.from(settings).worker();
    }

    private static ConfigMap configMap() {
        return all(ConfigMap.class).stream()
                .filter(c -> c.getData().containsKey("worker.properties"))
                .findFirst()
                .orElseThrow();
    }

    private static Container worker() {
        return one(StatefulSet.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static <T> List<T> all(Class<T> type) {
        return RESOURCES.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T one(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /** Walks the typed objects and lists every field a model kept aside because its type has no such field. */
    private static void collectUnknownFields(Object node, String path, List<String> unknown) {
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> collectUnknownFields(value, path + "." + key, unknown));
            return;
        }
        Class<?> type = node.getClass();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                collectUnknownFields(invoke(component.getAccessor(), node), path + "." + component.getName(), unknown);
            }
            return;
        }
        if (!type.getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : type.getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                collectUnknownFields(value, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }

    private static Object invoke(Method method, Object target) {
        try {
            return method.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot read " + method + " of " + target.getClass(), e);
        }
    }

    /** The walk above must see a misspelt field, or the test could not fail. */
    @Test
    void a_misspelt_field_is_caught() throws IOException {
        ObjectNode service = (ObjectNode) YAML.readTree(
                "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {selectr: {a: b}, ports: [{prot: 1}]}\n");
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(YAML.treeToValue(service, Service.class), "Service", unknown);
        assertThat(unknown).hasSize(2).anyMatch(u -> u.contains("selectr")).anyMatch(u -> u.contains("prot"));
        assertThatThrownBy(() -> YAML.readValue(
                        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec: {maxReplicas: 3}\n",
                        KedaScaledObject.class))
                .hasMessageContaining("maxReplicas");
    }
}
