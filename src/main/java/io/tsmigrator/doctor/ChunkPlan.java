package io.tsmigrator.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code EXPLAIN (FORMAT JSON)} says about the chunk query: its plan nodes in order and the
 * planner's row estimate. Only a few keys are needed, so they are picked out of the JSON text
 * instead of parsing it: node types, relation and index names are catalog names and never contain
 * a double quote.
 */
record ChunkPlan(List<Node> nodes, long rows) {

    record Node(String type, String relation, String index) {

        String describe() {
            return type + (index != null ? " using " + index : relation != null ? " on " + relation : "");
        }
    }

    private static final Pattern KEY = Pattern.compile("\"(Node Type|Relation Name|Index Name|Plan Rows)\": (?:\"([^\"]*)\"|(\\d+))");

    static ChunkPlan parse(String json) {
        List<Node> nodes = new ArrayList<>();
        long rows = -1;
        String type = null;
        String relation = null;
        String index = null;
        Matcher m = KEY.matcher(json);
        while (m.find()) {
            switch (m.group(1)) {
                case "Node Type" -> {
                    if (type != null) {
                        nodes.add(new Node(type, relation, index));
                    }
                    type = m.group(2);
                    relation = null;
                    index = null;
                }
                case "Relation Name" -> relation = m.group(2);
                case "Index Name" -> index = m.group(2);
                default -> rows = rows < 0 ? Long.parseLong(m.group(3)) : rows;
            }
        }
        if (type != null) {
            nodes.add(new Node(type, relation, index));
        }
        return new ChunkPlan(List.copyOf(nodes), Math.max(rows, 0));
    }

    boolean scansTable() {
        return nodes.stream().anyMatch(n -> n.type().equals("Seq Scan"));
    }

    boolean sorts() {
        return nodes.stream().anyMatch(n -> n.type().equals("Sort") || n.type().equals("Incremental Sort"));
    }

    String describe() {
        return String.join(", ", nodes.stream().map(Node::describe).toList());
    }
}
