package io.specops.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The decoder's inputs and outputs as the ONNX session declares them, checked against the one layout
 * the engine drives: {@code input_ids (batch, seq)}, optional {@code attention_mask (batch, past + seq)}
 * and {@code position_ids (batch, seq)}, {@code past_key_values.N.key/value (batch, kvHeads, past,
 * headSize)} in, {@code logits (batch, seq, vocab)} and {@code present.N.key/value} out.
 */
record OnnxLayout(
        String inputIds,
        OnnxJavaType idType,
        Optional<String> attentionMask,
        Optional<String> positionIds,
        List<String> pastKeys,
        List<String> pastValues,
        String logits,
        OnnxJavaType logitsType,
        List<String> presentKeys,
        List<String> presentValues,
        OnnxJavaType kvType,
        int kvHeads,
        int headSize,
        int vocabSize) {

    int layers() {
        return pastKeys.size();
    }

    static OnnxLayout of(OrtSession session, ModelConfig config) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        ModelConfig.GenaiNames names = config.genaiInputs()
                .orElse(new ModelConfig.GenaiNames(
                        "input_ids",
                        "attention_mask",
                        "position_ids",
                        "past_key_values.%d.key",
                        "past_key_values.%d.value",
                        "logits",
                        "present.%d.key",
                        "present.%d.value"));

        String inputIds = require(inputs, names.inputIds(), "input");
        OnnxJavaType idType = tensor(inputs.get(inputIds)).type;
        if (idType != OnnxJavaType.INT64 && idType != OnnxJavaType.INT32) {
            throw new ModelLoadException(
                    "input '" + inputIds + "' is " + idType + "; supported id types are int64 and int32");
        }
        Optional<String> attentionMask = optional(inputs, names.attentionMask());
        Optional<String> positionIds = optional(inputs, names.positionIds());
        List<String> pastKeys = layered(inputs, names.pastKey(), "input");
        List<String> pastValues = layered(inputs, names.pastValue(), "input");
        List<String> presentKeys = layered(outputs, names.presentKey(), "output");
        List<String> presentValues = layered(outputs, names.presentValue(), "output");
        if (pastKeys.size() != pastValues.size()
                || pastKeys.size() != presentKeys.size()
                || pastKeys.size() != presentValues.size()) {
            throw new ModelLoadException("the model has " + pastKeys.size() + " past keys, " + pastValues.size()
                    + " past values, " + presentKeys.size() + " present keys and " + presentValues.size()
                    + " present values; every layer needs all four");
        }
        List<String> known = new ArrayList<>(List.of(inputIds));
        attentionMask.ifPresent(known::add);
        positionIds.ifPresent(known::add);
        known.addAll(pastKeys);
        known.addAll(pastValues);
        TreeSet<String> unknown = new TreeSet<>(inputs.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new ModelLoadException("the model has inputs this engine cannot fill: " + unknown
                    + "; supported inputs are input_ids, attention_mask, position_ids and past key/value tensors");
        }

        String logits = require(outputs, names.logits(), "output");
        TensorInfo logitsInfo = tensor(outputs.get(logits));
        TensorInfo kvInfo = tensor(inputs.get(pastKeys.get(0)));
        long[] kvShape = kvInfo.getShape();
        if (kvShape.length != 4) {
            throw new ModelLoadException("past key '" + pastKeys.get(0) + "' has rank " + kvShape.length
                    + "; supported is (batch, kv_heads, past, head_size)");
        }
        requireFloat(logits, logitsInfo.type);
        requireFloat(pastKeys.get(0), kvInfo.type);
        long[] logitsShape = logitsInfo.getShape();
        int vocab = logitsShape.length == 3 && logitsShape[2] > 0 ? (int) logitsShape[2] : config.vocabSize();
        if (kvShape[1] <= 0 || kvShape[3] <= 0) {
            throw new ModelLoadException("past key '" + pastKeys.get(0)
                    + "' does not declare its head count and head size; re-export with static KV head dimensions");
        }
        return new OnnxLayout(
                inputIds,
                idType,
                attentionMask,
                positionIds,
                pastKeys,
                pastValues,
                logits,
                logitsInfo.type,
                presentKeys,
                presentValues,
                kvInfo.type,
                (int) kvShape[1],
                (int) kvShape[3],
                vocab);
    }

    String describe() {
        return String.format(
                "%d layers, KV %s (kv_heads=%d, head_size=%d), logits %s over %d ids,"
                        + " attention_mask %s, position_ids %s",
                layers(),
                kvType,
                kvHeads,
                headSize,
                logitsType,
                vocabSize,
                attentionMask.isPresent() ? "yes" : "no",
                positionIds.isPresent() ? "yes" : "no");
    }

    private static void requireFloat(String name, OnnxJavaType type) {
        if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.FLOAT16) {
            throw new ModelLoadException("'" + name + "' is " + type + "; supported are float32 and float16");
        }
    }

    private static String require(Map<String, NodeInfo> nodes, String name, String kind) {
        if (!nodes.containsKey(name)) {
            throw new ModelLoadException(
                    "the model has no " + kind + " named '" + name + "'; its " + kind + "s are " + nodes.keySet());
        }
        return name;
    }

    private static Optional<String> optional(Map<String, NodeInfo> nodes, String name) {
        return nodes.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    /** Names that match {@code pattern} for layers 0, 1, 2, ... without gaps. */
    private static List<String> layered(Map<String, NodeInfo> nodes, String pattern, String kind) {
        Pattern regex = Pattern.compile(Pattern.quote(pattern).replace("%d", "\\E(\\d+)\\Q"));
        TreeSet<Integer> layers = new TreeSet<>();
        for (String name : nodes.keySet()) {
            Matcher match = regex.matcher(name);
            if (match.matches()) {
                layers.add(Integer.parseInt(match.group(1)));
            }
        }
        if (layers.isEmpty()) {
            throw new ModelLoadException("the model has no " + kind + "s named like '" + pattern
                    + "'; this engine needs a decoder exported with a KV cache (past_key_values / present)");
        }
        if (layers.first() != 0 || layers.last() != layers.size() - 1) {
            throw new ModelLoadException("the " + kind + "s named like '" + pattern + "' skip layers: " + layers);
        }
        List<String> names = new ArrayList<>();
        for (int layer = 0; layer < layers.size(); layer++) {
            names.add(pattern.replace("%d", Integer.toString(layer)));
        }
        return names;
    }

    private static TensorInfo tensor(NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new ModelLoadException("'" + node.getName() + "' is not a tensor");
        }
        return info;
    }
}
