package dev.amber.nodestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class NodeStatesTest {
    private Instant now = Instant.parse("2026-11-21T06:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    @Test
    void unknownUntilTheListIsLoadedThenNoSuchNode() {
        AtomicBoolean synced = new AtomicBoolean(false);
        NodeStates states = new NodeStates(clock, synced::get);

        assertThat(states.lookup("n1").reason()).isEqualTo("the Node list is not loaded yet");
        synced.set(true);
        assertThat(states.lookup("n1")).isEqualTo(NodeState.unknown("n1", "no such Node"));
    }

    @Test
    void aDeletedNodeIsShuttingDownForAWhileThenForgotten() {
        NodeStates states = new NodeStates(clock, () -> true);
        states.onAdd(node("n1"));
        states.onDelete(node("n1"), false);

        assertThat(states.lookup("n1").state()).isEqualTo(NodeState.State.SHUTTING_DOWN);
        assertThat(states.counts()).containsEntry(NodeState.State.SHUTTING_DOWN, 1L);
        now = now.plus(NodeStates.REMEMBER_DELETED).plus(Duration.ofSeconds(1));
        assertThat(states.lookup("n1").state()).isEqualTo(NodeState.State.UNKNOWN);
        assertThat(states.counts()).containsEntry(NodeState.State.SHUTTING_DOWN, 0L);
    }

    @Test
    void aRecreatedNodeIsJudgedAfresh() {
        NodeStates states = new NodeStates(clock, () -> true);
        states.onDelete(node("n1"), true);
        states.onAdd(node("n1"));

        assertThat(states.lookup("n1").state()).isEqualTo(NodeState.State.RUNNING);
    }
}
