package io.tsmigrator.run;

import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Pools;
import io.tsmigrator.migrate.ChannelColumns;
import io.tsmigrator.migrate.ChannelFilter;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.wide.ChannelMapping;
import io.tsmigrator.wide.ColumnForecast;
import io.tsmigrator.wide.WideTable;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.List;

/**
 * What a run reads before it writes anything: the source table, the mapping, the listed channels
 * and the columns the wide table starts with. The source's channels are not searched: a chunk that
 * meets a channel without a column adds it ({@link ChannelColumns}).
 *
 * @param listed the ids of {@code migrator.channels}, normalized; empty for every channel
 * @param startColumns the columns the wide table is given before the first chunk, besides those it has
 */
record SourceSide(SourceTable table, Discovery discovery, ChannelMapping mapping, List<String> listed, ChannelFilter filter,
                  WideTable wide, List<String> startColumns, ChannelColumns columns, boolean mappingFile) {

    static SourceSide read(Settings settings, Pools pools) throws SQLException {
        SourceTable table = SourceTable.inspect(pools.read(), settings);
        Discovery discovery = new Discovery(pools.read(), table);
        ChannelMapping mapping = ChannelMapping.from(settings);
        List<String> listed = RunScope.listedChannels(settings, table);
        WideTable wide = WideTable.of(settings);
        return new SourceSide(table, discovery, mapping, listed, ChannelFilter.listed(settings, listed), wide,
                ChannelColumns.startColumns(settings, mapping, listed), new ChannelColumns(wide, table, mapping, pools.control()),
                settings.channelsMapping() != null);
    }

    /**
     * Refuses, before anything is written, a scope whose columns would take the wide table past
     * PostgreSQL's limit, as far as index probes or statistics can tell (see {@link ColumnForecast}).
     */
    void checkColumnLimit(List<String> ships, DataSource target) throws SQLException {
        ColumnForecast.of(discovery, ships, mapping, listed, mappingFile).check(wide, wide.shape(target), startColumns);
    }

    /** Creates the wide table or adds the start's columns, and gives the run's lookup its first state. */
    void prepareTarget(DataSource target) throws SQLException {
        columns.start(wide.ensure(target, table, startColumns));
    }
}
