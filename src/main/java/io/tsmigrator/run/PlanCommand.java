package io.tsmigrator.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tsmigrator.config.Settings;
import io.tsmigrator.plan.PlanPreview;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.SourceTable;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;

/** {@code plan}: what a {@code run} with these settings would migrate, as a table or as JSON. Writes nothing. */
public final class PlanCommand {

    private final Environment env;
    private final PrintStream out;
    private final boolean json;

    public PlanCommand(Environment env, PrintStream out, boolean json) {
        this.env = env;
        this.out = out;
        this.json = json;
    }

    public int execute() throws SQLException {
        Settings settings = env.settings();
        SourceTable source = SourceTable.inspect(env.pools().read(), settings);
        Discovery discovery = new Discovery(env.pools().read(), source);
        List<String> ships = RunScope.ships(settings, discovery);
        List<PlanPreview.ShipPlan> plans = new PlanPreview(env.pools().read(), source, discovery)
                .preview(RunScope.of(ships, settings.from(), settings.to()), settings.chunkSize());
        if (json) {
            printJson(plans, settings);
        } else {
            printTable(plans, settings);
        }
        return ExitCodes.OK;
    }

    private void printTable(List<PlanPreview.ShipPlan> plans, Settings settings) {
        out.printf("%-20s %-30s %-30s %8s %18s%n", "ship", "from", "to (exclusive)", "chunks", "est. narrow rows");
        long chunks = 0;
        long rows = 0;
        for (PlanPreview.ShipPlan p : plans) {
            out.printf("%-20s %-30s %-30s %8d %18d%n", p.ship(), p.first() == null ? "-" : p.first(), p.last() == null ? "-" : p.last(),
                    p.chunks(), p.estimatedRows());
            chunks += p.chunks();
            rows += p.estimatedRows();
        }
        out.printf("%d ships, %d chunks of %s, about %d narrow rows (planner estimate); nothing was written%n",
                plans.size(), chunks, settings.chunkSize(), rows);
    }

    private void printJson(List<PlanPreview.ShipPlan> plans, Settings settings) {
        ObjectNode json = JsonOutput.object().put("chunkSize", settings.chunkSize().toString());
        ArrayNode ships = json.putArray("ships");
        for (PlanPreview.ShipPlan p : plans) {
            ships.addObject().put("ship", p.ship())
                    .put("from", p.first() == null ? null : p.first().toString())
                    .put("to", p.last() == null ? null : p.last().toString())
                    .put("chunks", p.chunks())
                    .put("estimatedRows", p.estimatedRows());
        }
        JsonOutput.print(out, json);
    }

}
