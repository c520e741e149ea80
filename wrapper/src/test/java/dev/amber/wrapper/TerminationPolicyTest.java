package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.wrapper.TerminationPolicy.Action;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TerminationPolicyTest {
    private static final String SERVER = "imageDir: /d\nnodeStateServerURL: http://nss\n";

    @Test
    void alwaysAndNeverDoNotAskTheServer() {
        AtomicInteger asked = new AtomicInteger();
        Supplier<NodeStateAnswer> server = () -> {
            asked.incrementAndGet();
            return new NodeStateAnswer(NodeStateAnswer.RUNNING, "", true);
        };

        assertThat(decide(SERVER + "checkpointOn: always", server).action()).isEqualTo(Action.CHECKPOINT);
        assertThat(decide(SERVER + "checkpointOn: never", server).action()).isEqualTo(Action.FORWARD);
        assertThat(asked).hasValue(0);
    }

    @Test
    void nodeShutdownFollowsTheServer() {
        var down = decide(
                SERVER,
                () -> new NodeStateAnswer(NodeStateAnswer.SHUTTING_DOWN, "taint ToBeDeletedByClusterAutoscaler", true));
        var up = decide(SERVER, () -> new NodeStateAnswer(NodeStateAnswer.RUNNING, "Ready", true));

        assertThat(down.action()).isEqualTo(Action.CHECKPOINT);
        assertThat(down.why()).contains("ToBeDeletedByClusterAutoscaler");
        assertThat(up.action()).isEqualTo(Action.FORWARD);
    }

    @Test
    void anUnreachableServerFollowsIfNodeStateUnknownAndSaysSo() {
        Supplier<NodeStateAnswer> gone = () -> NodeStateAnswer.unreachable("http://nss/nodes/n1: ConnectException");

        var keep = decide(SERVER, gone);
        var stop = decide(SERVER + "ifNodeStateUnknown: terminate", gone);

        assertThat(keep.action()).isEqualTo(Action.CHECKPOINT);
        assertThat(keep.why()).contains("unreachable", "ConnectException", "ifNodeStateUnknown: checkpoint");
        assertThat(stop.action()).isEqualTo(Action.FORWARD);
        assertThat(stop.why()).contains("unreachable", "ifNodeStateUnknown: terminate");
    }

    @Test
    void anUnknownStateIsTreatedLikeNoAnswer() {
        var d = decide(
                SERVER + "ifNodeStateUnknown: terminate",
                () -> new NodeStateAnswer(NodeStateAnswer.UNKNOWN, "node not found", true));

        assertThat(d.action()).isEqualTo(Action.FORWARD);
        assertThat(d.why()).contains("does not know", "node not found");
    }

    private static TerminationPolicy.Decision decide(String yaml, Supplier<NodeStateAnswer> server) {
        return TerminationPolicy.decide(WrapperConfigLoader.parse(yaml, "c"), server);
    }
}
