package danvan;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's test server, started as its own TestServer.main starts it (same services, same arguments:
 * {@code <port> [--enable-time-skipping]}), with one difference: the keepalive policy of Temporal's real frontend.
 *
 * <p>The SDK's clients (grpc-js and the Rust core alike) ping every 30 s, idle or not. grpc-java's default policy
 * allows one ping per 5 minutes with calls open and none without, and closes the connection at the third
 * offence: about 90 s into any suite. The calls in flight then fail and are retried, and a retried clock call
 * (lock, unlock, skip) unbalances the server's time-skipping lock so its clock never moves again. Temporal's
 * frontend allows a ping every 10 s with or without calls; so does this one.
 */
public final class TimeSkippingServer {
  private TimeSkippingServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equalsIgnoreCase("--enable-time-skipping"))) {
      System.err.println("Usage: <command> <port> [--enable-time-skipping]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    boolean timeSkipping = args.length == 2;
    TestServicesStarter services = new TestServicesStarter(!timeSkipping, 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    List<BindableService> bindable = services.getServices();
    GRPCServerHelper.registerServicesAndHealthChecks(bindable, builder);
    Server server = builder.build().start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdownNow();
                  services.close();
                }));
    server.awaitTermination();
  }
}
