package io.tsmigrator.observe;

import io.tsmigrator.config.Secrets;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JSON body of an API call that failed: the error's message, scrubbed of secrets. */
public final class HttpErrors {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    public String describe(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = Secrets.scrub(e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage());
        LOG.warn("{} failed: {}", exchange.getFromRouteId(), message);
        try {
            return JSON.writeValueAsString(java.util.Map.of("error", message));
        } catch (com.fasterxml.jackson.core.JsonProcessingException never) {
            return "{\"error\":\"unknown error\"}";
        }
    }
}
