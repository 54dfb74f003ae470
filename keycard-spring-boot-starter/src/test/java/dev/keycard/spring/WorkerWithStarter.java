package dev.keycard.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/** Service A with the starter: {@code keycard.client.registration.jobs.*}, one interceptor on its RestClient. */
@SpringBootConfiguration
@EnableAutoConfiguration
class WorkerWithStarter {

    @Bean
    RestClient jobs(RestClient.Builder builder, KeycardClients keycard, @Value("${jobs.url}") String jobsUrl) {
        return builder.baseUrl(jobsUrl)
                .requestInterceptor(new KeycardClientHttpRequestInterceptor(keycard.tokenSource("jobs"))).build();
    }
}
