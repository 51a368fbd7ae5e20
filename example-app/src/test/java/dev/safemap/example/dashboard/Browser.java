package dev.safemap.example.dashboard;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium driven by Selenium with Debian's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}:
 * both paths are given explicitly so that Selenium Manager never looks for (or downloads) a browser or a driver.
 * When either is missing the calling test is skipped with a message that says what to install ({@code .ci/run}
 * installs them).
 */
final class Browser implements AutoCloseable {

	static final String CHROMIUM = System.getProperty("safemap.test.chromium", "/usr/bin/chromium");

	static final String CHROMEDRIVER = System.getProperty("safemap.test.chromedriver", "/usr/bin/chromedriver");

	final ChromeDriver driver;

	private final Path profile;

	private final List<LogEntry> console = new ArrayList<>();

	private Browser(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/**
	 * Starts a browser, or skips the test when Chromium is not installed.
	 * @param user the demo user whose HTTP Basic credentials every request carries, or null for none
	 */
	static Browser start(String user) throws Exception {
		Assumptions.assumeTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
				"Browser tests skipped: no " + CHROMIUM + " or " + CHROMEDRIVER
						+ " (install with: apt-get update && apt-get install -y chromium chromium-driver; "
						+ "bash .ci/run installs them)");
		// never let Selenium Manager run: the driver and the browser are named here
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
		Path profile = Files.createTempDirectory("safemap-chromium");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + profile);
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logs);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
		Browser browser = new Browser(driver, profile);
		if (user != null) {
			// HTTP Basic on every request of the page (page, fetch, EventSource), as a browser does after a login
			String basic = Base64.getEncoder()
				.encodeToString((user + ":" + user + "-demo").getBytes(StandardCharsets.UTF_8));
			driver.executeCdpCommand("Network.enable", Map.of());
			driver.executeCdpCommand("Network.setExtraHTTPHeaders",
					Map.of("headers", Map.of("Authorization", "Basic " + basic)));
		}
		return browser;
	}

	/** Console messages at level SEVERE (errors, CSP violations) since the browser started. */
	List<String> consoleErrors() {
		this.driver.manage().logs().get(LogType.BROWSER).forEach(this.console::add);
		return this.console.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	@Override
	public void close() throws Exception {
		try {
			this.driver.quit();
		}
		finally {
			try (var files = Files.walk(this.profile)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

}
