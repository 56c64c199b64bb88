package io.specops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchChartTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    /** Two workloads in the shape bench writes (decoding.json). */
    private static JsonNode report() throws Exception {
        return JSON.readTree("""
                {"machine": {"cpu": "Test CPU", "cores": 2, "java": "OpenJDK 17", "model": "stories260k",
                             "intra_op_threads": 1},
                 "rounds": 5,
                 "workloads": [
                   {"workload": "input-grounded", "plainTokensPerSecond": 1500, "speculativeTokensPerSecond": 4500},
                   {"workload": "open-ended", "plainTokensPerSecond": 1600, "speculativeTokensPerSecond": 2400}]}
                """);
    }

    @Test
    void each_workload_gets_two_bars_whose_heights_follow_the_tokens_per_second() throws Exception {
        Path png = directory.resolve("docs/bench.png");

        BenchChart.write(report(), png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(BenchChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(BenchChart.HEIGHT);
        int[] plain = barHeights(image, BenchChart.PLAIN);
        int[] speculative = barHeights(image, BenchChart.SPECULATIVE);
        assertThat(plain).hasSize(2);
        assertThat(speculative).hasSize(2);
        // Heights are proportional to the values (one pixel of rounding).
        assertThat((double) speculative[0] / plain[0]).isCloseTo(3.0, within(0.02));
        assertThat((double) speculative[1] / plain[1]).isCloseTo(1.5, within(0.02));
        assertThat((double) plain[1] / plain[0]).isCloseTo(1600.0 / 1500, within(0.02));
    }

    @Test
    void the_caption_names_the_machine_and_model() throws Exception {
        assertThat(BenchChart.caption(report()))
                .isEqualTo(
                        "Test CPU, 2 cores, OpenJDK 17; model stories260k, 1 intra-op thread(s); median of 5 rounds");
    }

    @Test
    void a_report_without_workloads_is_refused() throws Exception {
        assertThatThrownBy(() -> BenchChart.bars(JSON.readTree("{\"workloads\": []}")))
                .hasMessageContaining("no workloads");
    }

    @Test
    void the_axis_ends_at_one_two_or_five_times_a_power_of_ten() {
        assertThat(BenchChart.niceCeiling(4258)).isEqualTo(5000);
        assertThat(BenchChart.niceCeiling(1484)).isEqualTo(2000);
        assertThat(BenchChart.niceCeiling(980)).isEqualTo(1000);
        assertThat(BenchChart.niceCeiling(5001)).isEqualTo(10000);
    }

    /** Heights of the bars drawn in {@code colour}, left to right: the tallest column of that colour per bar. */
    private static int[] barHeights(BufferedImage image, Color colour) {
        java.util.List<Integer> heights = new java.util.ArrayList<>();
        int current = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            int column = 0;
            // Below the legend, which uses the same colours.
            for (int y = 80; y < image.getHeight(); y++) {
                if (image.getRGB(x, y) == colour.getRGB()) {
                    column++;
                }
            }
            if (column > 0) {
                current = Math.max(current, column);
            } else if (current > 0) {
                heights.add(current);
                current = 0;
            }
        }
        return heights.stream().mapToInt(Integer::intValue).toArray();
    }
}
