package io.tsmigrator.doctor;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.wide.ChannelMapping;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code doctor --mapping-template}: a per-ship mapping file to start from, one line per ship and
 * channel id, each with the column the run would give it now. The channels are found by a skip-scan
 * of an index leading with (ship, channel), one probe per id; without such an index it says which
 * to create instead of scanning the table.
 */
public final class MappingTemplate {

    private final Settings settings;
    private final DataSource read;

    public MappingTemplate(Settings settings, DataSource read) {
        this.settings = settings;
        this.read = read;
    }

    public void print(PrintStream out) throws SQLException {
        SourceTable table = SourceTable.inspect(read, settings);
        Discovery discovery = new Discovery(read, table);
        if (!discovery.canListChannelsPerShip()) {
            throw new InvalidSettingException("doctor --mapping-template lists each ship's channels with index probes, and no index of "
                    + table.table() + " leads with (" + table.ship() + ", " + table.channel() + "); it never scans the table: CREATE INDEX ON "
                    + table.table() + " (" + table.ship() + ", " + table.channel() + ") first");
        }
        ChannelMapping mapping = ChannelMapping.from(settings);
        List<String> ships = RunScope.ships(settings, discovery);
        out.println("# each ship's channel ids (index probes); give the same sensor of different ships the same column_name, see docs/channels.md");
        try {
            CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
            csv.printRecord("ship_id", "data_channel_id", "column_name");
            for (String ship : ships) {
                for (String channel : discovery.channelsOf(ship)) {
                    csv.printRecord(ship, channel, columnNow(mapping, ship, channel));
                }
            }
            csv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The column the run would give the channel now; the prefixed one where the mapping would skip or refuse it. */
    private static String columnNow(ChannelMapping mapping, String ship, String channel) {
        try {
            String column = mapping.columnFor(ship, channel);
            return column != null ? column : mapping.prefixed(channel);
        } catch (ChannelMapping.UnmappedChannelException | InvalidSettingException e) {
            return mapping.names(ship, channel) ? mapping.columnFor(ship, channel) : "";
        }
    }
}
