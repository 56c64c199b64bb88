package io.specops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the benchmark's headline, plain against speculative tokens per second for each workload, as
 * a PNG bar chart, from the report {@code bench} writes ({@code decoding.json}). Java2D only: the
 * chart is a handful of rectangles and labels, not worth a charting library.
 */
public final class BenchChart {

    public static final int WIDTH = 1000;
    public static final int HEIGHT = 560;

    /** Bar colours, also what the test looks for in the picture. */
    public static final Color PLAIN = new Color(0x8C, 0x96, 0xA3);

    public static final Color SPECULATIVE = new Color(0x1F, 0x6F, 0xC5);

    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 90;
    private static final int BOTTOM = 110;

    private BenchChart() {}

    /** One workload's bars. */
    public record Bars(String workload, double plainTokensPerSecond, double speculativeTokensPerSecond) {}

    /** The bars of a {@code decoding.json} report, in its order. */
    public static List<Bars> bars(JsonNode report) {
        List<Bars> bars = new ArrayList<>();
        for (JsonNode workload : report.path("workloads")) {
            bars.add(new Bars(
                    workload.path("workload").asText(),
                    workload.path("plainTokensPerSecond").asDouble(),
                    workload.path("speculativeTokensPerSecond").asDouble()));
        }
        if (bars.isEmpty()) {
            throw new IllegalArgumentException("the report has no workloads to chart");
        }
        return bars;
    }

    /** A caption of the machine and model the report was measured on. */
    public static String caption(JsonNode report) {
        JsonNode machine = report.path("machine");
        return String.format(
                Locale.ROOT,
                "%s, %d cores, %s; model %s, %d intra-op thread(s); median of %d rounds",
                machine.path("cpu").asText("unknown CPU"),
                machine.path("cores").asInt(),
                machine.path("java").asText(),
                machine.path("model").asText(),
                machine.path("intra_op_threads").asInt(),
                report.path("rounds").asInt());
    }

    public static void write(JsonNode report, Path png) throws IOException {
        BufferedImage image = draw(bars(report), caption(report));
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available for " + png);
        }
    }

    static BufferedImage draw(List<Bars> bars, String caption) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            // Text is antialiased; shapes are not, so that every bar is one exact colour.
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double top = niceCeiling(bars.stream()
                    .mapToDouble(b -> Math.max(b.plainTokensPerSecond(), b.speculativeTokensPerSecond()))
                    .max()
                    .orElse(1));
            drawTitleAndLegend(g);
            drawAxis(g, top);
            int plotWidth = WIDTH - LEFT - RIGHT;
            int groupWidth = plotWidth / bars.size();
            int barWidth = Math.min(110, groupWidth / 3);
            for (int i = 0; i < bars.size(); i++) {
                Bars bar = bars.get(i);
                int centre = LEFT + groupWidth * i + groupWidth / 2;
                drawBar(g, centre - barWidth - 4, barWidth, bar.plainTokensPerSecond(), top, PLAIN);
                drawBar(g, centre + 4, barWidth, bar.speculativeTokensPerSecond(), top, SPECULATIVE);
                g.setColor(Color.BLACK);
                // Long workload names shrink to fit their group rather than run into the next one.
                int size = 16;
                do {
                    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size--));
                } while (size > 8 && g.getFontMetrics().stringWidth(bar.workload()) > groupWidth - 8);
                centred(g, bar.workload(), centre, HEIGHT - BOTTOM + 28);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
                double speedup = bar.speculativeTokensPerSecond() / bar.plainTokensPerSecond();
                centred(g, String.format(Locale.ROOT, "%.2fx", speedup), centre, HEIGHT - BOTTOM + 48);
            }
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            centred(g, caption, WIDTH / 2, HEIGHT - 18);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawTitleAndLegend(Graphics2D g) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        centred(g, "Plain vs speculative decoding, tokens per second", WIDTH / 2, 38);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        int x = WIDTH / 2 - 150;
        for (Object[] entry : new Object[][] {{PLAIN, "plain"}, {SPECULATIVE, "speculative"}}) {
            g.setColor((Color) entry[0]);
            g.fillRect(x, 54, 16, 16);
            g.setColor(Color.BLACK);
            g.drawString((String) entry[1], x + 22, 67);
            x += 170;
        }
    }

    private static void drawAxis(Graphics2D g, double top) {
        int plotHeight = HEIGHT - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int tick = 0; tick <= 5; tick++) {
            double value = top * tick / 5;
            int y = HEIGHT - BOTTOM - (int) Math.round(plotHeight * tick / 5.0);
            g.setColor(tick == 0 ? Color.BLACK : new Color(0xE3, 0xE6, 0xEA));
            g.setStroke(new BasicStroke(1));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%,.0f", value);
            g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        Graphics2D rotated = (Graphics2D) g.create();
        try {
            rotated.rotate(-Math.PI / 2);
            rotated.setColor(Color.BLACK);
            centred(rotated, "tokens/s", -(TOP + plotHeight / 2), 24);
        } finally {
            rotated.dispose();
        }
    }

    private static void drawBar(Graphics2D g, int x, int width, double value, double top, Color colour) {
        int plotHeight = HEIGHT - TOP - BOTTOM;
        int height = (int) Math.round(plotHeight * value / top);
        g.setColor(colour);
        g.fillRect(x, HEIGHT - BOTTOM - height, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        centred(g, String.format(Locale.ROOT, "%,.0f", value), x + width / 2, HEIGHT - BOTTOM - height - 6);
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static void centred(Graphics2D g, String text, int centreX, int baselineY) {
        FontMetrics metrics = g.getFontMetrics();
        g.drawString(text, centreX - metrics.stringWidth(text) / 2, baselineY);
    }
}
