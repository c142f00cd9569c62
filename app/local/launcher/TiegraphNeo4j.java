import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
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
 *
 * <p>With {@code TIEGRAPH_NEO4J_LAUNCH_PASSWORD} set (the environment, not the command line, which
 * every user can read), Bolt requires user {@code neo4j} with that password. The password is set
 * before Bolt opens: a first run with Bolt off sets it in the system database, so there is no
 * moment where the server answers with the default one.
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
        String password = System.getenv().getOrDefault("TIEGRAPH_NEO4J_LAUNCH_PASSWORD", "");
        boolean auth = !password.isEmpty();
        if (auth) {
            setPassword(home, pageCache, password);
        }

        DatabaseManagementService dbms = builder(home, pageCache, auth)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
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

    private static DatabaseManagementServiceBuilder builder(Path home, String pageCache, boolean auth) {
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, org.neo4j.io.ByteUnit.parse(pageCache))
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
                // Erased data must not linger in old transaction logs: keep only what recovery
                // needs after a checkpoint (the README's erasure section).
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 1024L * 1024);
    }

    /** Sets user neo4j's password with Bolt off, once per password (a marker holds its digest). */
    private static void setPassword(Path home, String pageCache, String password) {
        Path marker = home.resolve("tiegraph-auth");
        String digest = sha256(password);
        try {
            if (Files.exists(marker) && Files.readString(marker).equals(digest)) {
                return;
            }
            DatabaseManagementService setup = builder(home, pageCache, true)
                    .setConfig(BoltConnector.enabled, false)
                    .build();
            try {
                setup.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                        Map.of("password", password));
            } finally {
                setup.shutdown();
            }
            Files.deleteIfExists(marker);
            Files.createFile(marker, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(marker, digest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot record the password marker " + marker, e);
        }
    }

    private static String sha256(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
