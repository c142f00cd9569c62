import java.nio.file.Path;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Runs an embedded Neo4j 5.26 Community with a Bolt connector, for machines without Docker.
 *
 * <p>Usage: {@code java -Xmx2g -cp "lib/*:." TiegraphNeo4j HOME_DIR PORT [PAGECACHE]}. Prints
 * {@code TIEGRAPH-NEO4J READY bolt://127.0.0.1:PORT} once the default database answers, and shuts
 * down cleanly (checkpointing the store) on SIGTERM or SIGINT.
 */
public final class TiegraphNeo4j {
    private TiegraphNeo4j() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: TiegraphNeo4j HOME_DIR PORT [PAGECACHE]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String pageCache = args.length > 2 ? args[2] : "512m";

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, org.neo4j.io.ByteUnit.parse(pageCache))
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("TIEGRAPH-NEO4J STOPPING");
            dbms.shutdown();
            System.out.println("TIEGRAPH-NEO4J STOPPED");
        }, "tiegraph-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        db.executeTransactionally("RETURN 1");
        System.out.println("TIEGRAPH-NEO4J READY bolt://127.0.0.1:" + port);
        System.out.flush();
    }
}
