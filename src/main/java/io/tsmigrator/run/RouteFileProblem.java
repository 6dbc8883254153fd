package io.tsmigrator.run;

import io.tsmigrator.config.InvalidSettingException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import java.util.Optional;

/**
 * A YAML route file Camel cannot read (a YAML syntax error, a field the DSL does not know) is the
 * user's input, like a setting: it becomes one line naming the file, the place and the problem
 * (exit 2), where snakeyaml's own message spans several lines with an excerpt of the file.
 */
final class RouteFileProblem {

    private RouteFileProblem() {
    }

    /** The one-line error when a route file is at fault, else {@code e} itself. */
    static RuntimeException translate(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYamlEngineException yaml) {
                return new InvalidSettingException(describe(yaml));
            }
        }
        return e;
    }

    static String describe(MarkedYamlEngineException e) {
        String file = e.getProblemMark().or(e::getContextMark).map(Mark::getName).orElse("a route file");
        StringBuilder line = new StringBuilder(file).append(" is not a route file Camel can read: ");
        if (e.getContext() != null) {
            line.append(e.getContext()).append(at(e.getContextMark())).append(", ");
        }
        return line.append(e.getProblem()).append(at(e.getProblemMark())).toString().replace('\n', ' ');
    }

    private static String at(Optional<Mark> mark) {
        return mark.map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
    }
}
