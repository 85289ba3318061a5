import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local with its own command line, listening on 127.0.0.1 only: the jar has no host
 * option and its Jetty server binds every interface, so the connector's host is set before start.
 * Run in source-file mode by dynamo-local.ts; it exits non-zero rather than listen more widely.
 */
public class LoopbackDynamo {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    if (proxy == null) System.exit(2);
    int bound = 0;
    for (Field field : DynamoDBProxyServer.class.getDeclaredFields()) {
      if (field.getType() != Server.class) continue;
      field.setAccessible(true);
      for (Connector connector : ((Server) field.get(proxy)).getConnectors()) {
        ((ServerConnector) connector).setHost("127.0.0.1");
        bound++;
      }
    }
    if (bound == 0) {
      System.err.println("LoopbackDynamo: no Jetty connector found to bind to 127.0.0.1");
      System.exit(3);
    }
    proxy.start();
  }
}
