package io.tsmigrator.config;

/**
 * A setting has a value the migrator cannot work with. The message is one line that names the key,
 * the offending value (never a secret) and what is expected; {@code run} prints it and exits 2.
 */
public class InvalidSettingException extends RuntimeException {

    public InvalidSettingException(String message) {
        super(message);
    }

    public static InvalidSettingException of(String key, String value, String expected) {
        return new InvalidSettingException(key + "='" + value + "' is invalid: expected " + expected);
    }
}
