package io.tsmigrator.doctor;

/**
 * One line of the diagnosis.
 *
 * @param check what was examined, e.g. {@code statement_timeout} or {@code chunk query plan}
 * @param value what was found
 * @param advice what to do about it, or why it matters; empty when there is nothing to say
 */
public record Finding(String check, Verdict verdict, String value, String advice) {

    static Finding ok(String check, String value, String advice) {
        return new Finding(check, Verdict.OK, value, advice);
    }

    static Finding warn(String check, String value, String advice) {
        return new Finding(check, Verdict.WARN, value, advice);
    }

    static Finding fail(String check, String value, String advice) {
        return new Finding(check, Verdict.FAIL, value, advice);
    }
}
