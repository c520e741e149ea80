package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void bearerChallengeWithQuotedCommaInScope() {
        AuthChallenge c = AuthChallenge.parse(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:team/app:pull,push\"");
        assertThat(c.isBearer()).isTrue();
        assertThat(c.params())
                .containsEntry("realm", "https://auth.example/token")
                .containsEntry("service", "registry.example")
                .containsEntry("scope", "repository:team/app:pull,push");
    }

    @Test
    void basicChallengeAndUnquotedValues() {
        AuthChallenge c = AuthChallenge.parse("Basic realm=Registry Realm");
        assertThat(c.isBasic()).isTrue();
        assertThat(c.params()).containsEntry("realm", "Registry Realm");
        assertThat(AuthChallenge.parse(null)).isNull();
    }

    @Test
    void rangeHeadersOfUploadStatus() {
        assertThat(RegistryStore.rangeEnd("0-1048575")).isEqualTo(1048575);
        assertThat(RegistryStore.rangeEnd("bytes=0-99")).isEqualTo(99);
        assertThat(RegistryStore.rangeEnd(null)).isEqualTo(-1);
        assertThat(RegistryStore.rangeEnd("0--1")).isEqualTo(-1);
    }
}
