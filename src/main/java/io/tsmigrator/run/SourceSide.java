package io.tsmigrator.run;

import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Pools;
import io.tsmigrator.migrate.ChannelFilter;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.target.ChannelMapping;
import io.tsmigrator.target.WideTable;

import java.sql.SQLException;
import java.util.List;

/** What a run reads before it writes anything: the source table, its channels and the wide table they make. */
record SourceSide(SourceTable table, Discovery discovery, ChannelMapping mapping, List<String> channels, ChannelFilter filter, WideTable wide) {

    static SourceSide read(Settings settings, Pools pools) throws SQLException {
        SourceTable table = SourceTable.inspect(pools.read(), settings);
        Discovery discovery = new Discovery(pools.read(), table);
        ChannelMapping mapping = ChannelMapping.from(settings);
        List<String> channels = RunScope.channels(settings, table, discovery, mapping, pools.control());
        return new SourceSide(table, discovery, mapping, channels, ChannelFilter.listed(settings, channels),
                WideTable.describe(settings, channels, mapping));
    }
}
