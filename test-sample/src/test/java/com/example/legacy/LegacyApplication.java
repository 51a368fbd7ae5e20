package com.example.legacy;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** A second application whose singleton keeps a final HashMap: SafeMap cannot wrap it. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(LegacyReportService.class)
public class LegacyApplication {

}
