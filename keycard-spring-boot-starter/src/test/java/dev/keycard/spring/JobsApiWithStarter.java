package dev.keycard.spring;

import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Service B with the starter: {@code keycard.resource.*} in its properties, scopes checked by authority. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(JobsApiWithStarter.Jobs.class)
class JobsApiWithStarter {

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, "/jobs").hasAuthority("SCOPE_jobs:read")
                        .requestMatchers(HttpMethod.POST, "/jobs/**").hasAuthority("SCOPE_jobs:write")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()));
        return http.build();
    }

    @RestController
    static class Jobs {
        @GetMapping("/jobs")
        List<Map<String, Object>> pending() {
            return List.of(Map.of("id", 1, "name", "resize images"));
        }

        @PostMapping("/jobs/{id}/complete")
        Map<String, Object> complete(@PathVariable int id) {
            return Map.of("id", id, "completed", true);
        }
    }
}
