package io.specops.decoding;

import java.util.List;

/**
 * Turns accepted tokens into text deltas, one token at a time, and watches for stop strings. Mutable,
 * one per request.
 *
 * <p>Decoding each token alone loses what depends on its neighbours (SentencePiece drops a leading
 * space at the start of a decode; a multi-byte character can span byte-fallback tokens). So each
 * step decodes a short window that starts a few tokens back, anchored on the last prompt token, and
 * emits only what the window gained. A window that ends in U+FFFD is an incomplete character: its
 * text is held until a later token completes it, so a character is never split across deltas.
 *
 * <p>Text that could be the start of a stop string is held back until it can no longer be; when a
 * stop string appears, the text before it is released and the stop string is dropped.
 */
final class TextStream {

    /** Tokens kept before the read position so the window decodes like the whole sequence does. */
    private static final int WINDOW_TOKENS = 8;

    private final Detokenizer detokenizer;
    private final TokenHistory history;
    private final List<String> stopStrings;
    private final int holdBackChars;
    private final StringBuilder held = new StringBuilder();

    private int windowStart;
    private int readEnd;
    private String windowText;
    private boolean stopped;

    TextStream(Detokenizer detokenizer, TokenHistory history, List<String> stopStrings) {
        this.detokenizer = detokenizer;
        this.history = history;
        this.stopStrings = stopStrings;
        this.holdBackChars = stopStrings.stream().mapToInt(String::length).max().orElse(1) - 1;
        this.readEnd = history.length();
        this.windowStart = Math.max(0, readEnd - 1);
        this.windowText = decodeWindow(windowStart, readEnd);
    }

    /** Consumes the tokens appended to the history since the last call; returns text safe to emit. */
    String advance() {
        int end = history.length();
        String text = decodeWindow(windowStart, end);
        if (text.endsWith("\uFFFD")) {
            return ""; // an incomplete character; wait for the bytes that finish it
        }
        String delta = text.startsWith(windowText) ? text.substring(windowText.length()) : text;
        if (end - windowStart > WINDOW_TOKENS) {
            windowStart = end - 1;
            windowText = decodeWindow(windowStart, end);
        } else {
            windowText = text;
        }
        readEnd = end;
        return release(delta);
    }

    /** True once a stop string has appeared; later tokens produce no text. */
    boolean stopped() {
        return stopped;
    }

    /** Everything still held back, at the end of the generation (an incomplete character included). */
    String flush() {
        String tail = "";
        int end = history.length();
        if (end > readEnd) {
            String text = decodeWindow(windowStart, end);
            tail = text.startsWith(windowText) ? text.substring(windowText.length()) : text;
            readEnd = end;
        }
        String out = release(tail);
        if (!stopped) {
            out += held;
            held.setLength(0);
        }
        return out;
    }

    private String release(String delta) {
        if (stopped) {
            return "";
        }
        held.append(delta);
        for (String stop : stopStrings) {
            int at = held.indexOf(stop);
            if (at >= 0) {
                stopped = true;
                String before = held.substring(0, at);
                held.setLength(0);
                return before;
            }
        }
        int safe = Math.max(0, held.length() - holdBackChars);
        String out = held.substring(0, safe);
        held.delete(0, safe);
        return out;
    }

    private String decodeWindow(int from, int to) {
        return from >= to ? "" : detokenizer.decode(history.array(), from, to);
    }
}
