package dev.amber.cri;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.amber.cri.proto.StatusRequest;
import dev.amber.cri.proto.StatusResponse;
import dev.amber.cri.proto.VersionRequest;
import dev.amber.cri.proto.VersionResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The two read-only calls of CRI's RuntimeService that Amber makes, {@code Version} and verbose
 * {@code Status}, over the runtime's unix socket, as {@code crictl version} and {@code crictl info} make
 * them. The methods are described by hand (four messages of CRI's api.proto, {@code cri_runtime.proto}), so
 * the build needs no gRPC code generator.
 *
 * <p>One event-loop thread per client, closed with it: a client lives for one probe.
 */
public final class CriClient implements AutoCloseable {
    private static final String SERVICE = "runtime.v1.RuntimeService";
    private static final MethodDescriptor<VersionRequest, VersionResponse> VERSION =
            unary("Version", VersionRequest.getDefaultInstance(), VersionResponse.getDefaultInstance());
    private static final MethodDescriptor<StatusRequest, StatusResponse> STATUS =
            unary("Status", StatusRequest.getDefaultInstance(), StatusResponse.getDefaultInstance());

    private final Path socket;
    private final EventLoopGroup loop;
    private final ManagedChannel channel;
    private final Duration deadline;

    private CriClient(Path socket, Duration deadline) {
        this.socket = socket;
        this.deadline = deadline;
        this.loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(loop)
                .channelType(EpollDomainSocketChannel.class)
                .overrideAuthority("localhost")
                .usePlaintext()
                .build();
    }

    /** A client of the runtime listening on {@code socket}; nothing is sent until a call. */
    public static CriClient connect(Path socket, Duration deadline) {
        return new CriClient(socket, deadline);
    }

    public Path socket() {
        return socket;
    }

    /** The runtime's name and version. */
    public VersionResponse version() throws CriException {
        return call(VERSION, VersionRequest.newBuilder().setVersion("v1").build());
    }

    /** The verbose status's {@code info} map (containerd puts its CRI configuration under {@code config}). */
    public Map<String, String> verboseInfo() throws CriException {
        return call(STATUS, StatusRequest.newBuilder().setVerbose(true).build()).getInfoMap();
    }

    private <Q, R> R call(MethodDescriptor<Q, R> method, Q request) throws CriException {
        try {
            return ClientCalls.blockingUnaryCall(
                    channel,
                    method,
                    CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS),
                    request);
        } catch (StatusRuntimeException e) {
            throw new CriException(
                    "the container runtime at unix://" + socket + " did not answer "
                            + method.getBareMethodName() + ": " + e.getStatus().getCode()
                            + (e.getStatus().getDescription() == null
                                    ? ""
                                    : " (" + e.getStatus().getDescription() + ")"),
                    e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(
            String name, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(new ProtoMarshaller<>(request))
                .setResponseMarshaller(new ProtoMarshaller<>(response))
                .build();
    }

    /** Protobuf messages on the wire, as grpc-protobuf would marshal them (that jar is not needed for this). */
    private record ProtoMarshaller<T extends Message>(T prototype) implements MethodDescriptor.Marshaller<T> {
        @Override
        public InputStream stream(T value) {
            return new ByteArrayInputStream(value.toByteArray());
        }

        @Override
        @SuppressWarnings("unchecked")
        public T parse(InputStream stream) {
            try {
                return (T) prototype.getParserForType().parseFrom(stream);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("malformed CRI message: " + e.getMessage(), e);
            }
        }
    }
}
