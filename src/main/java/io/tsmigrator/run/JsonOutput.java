package io.tsmigrator.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** The {@code --json} outputs: one compact JSON object per command, written by Jackson. */
final class JsonOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private JsonOutput() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A decimal with at most {@code places} digits after the point, and no trailing zeros. */
    static BigDecimal decimal(double value, int places) {
        return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** A decimal with exactly {@code places} digits after the point, as {@code %.Nf} prints it. */
    static BigDecimal fixed(double value, int places) {
        return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP);
    }

    static void print(PrintStream out, ObjectNode json) {
        try {
            out.println(MAPPER.writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
