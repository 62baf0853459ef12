package io.journeyorchestrator.demo;

import io.journeyorchestrator.avro.Channel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a simulated telecom customer does: draws each customer's profile and, for every session
 * or monthly bill, decides the whole story at once (including follow-ups hours or days later)
 * and hands its events to a {@link Schedule}. It never looks at a clock and draws only from the
 * random source it is given, so the same seed tells the same stories.
 *
 * <p>The odds below are the demo's "truth"; the patterns in jobs/telecom-demo are meant to find
 * exactly these stories.
 */
final class Storylines {
  /** Where the stories put their events; the generator orders them by time. */
  interface Schedule {
    void event(long time, Customer customer, String type, Channel channel,
        Map<String, Object> attributes);
  }

  // Profile.
  static final double GOLD = 0.15;
  static final double SILVER = 0.35;
  static final double BUSINESS = 0.20;
  /** Median sessions a day is exp(mu); sigma 1.2 puts roughly half of all sessions on the top 10 %. */
  static final double ACTIVITY_MEAN_PER_DAY = 0.8;
  static final double ACTIVITY_SIGMA = 1.2;
  static final double MAX_SESSIONS_PER_DAY = 24;

  /** Tier changes follow the billing cycle, not activity, so busy customers do not flip tiers. */
  static final double TIER_CHANGE_PER_BILL = 0.03;

  // Session kinds; browsing web or app pages takes the rest (0.51).
  static final double EMAIL = 0.20;
  static final double SUPPORT = 0.09;
  static final double CALL = 0.08;
  static final double STORE = 0.07;
  static final double SURVEY = 0.05;

  // Browsing and buying.
  static final double TRADE_IN_BROWSE = 0.25;
  static final double TRADE_IN_STORE_VISIT = 0.60;
  static final double TRADE_IN_ORDER = 0.50;
  static final double SWITCH_CHANNEL = 0.15;
  static final double ORDER_AFTER_BROWSE = 0.10;
  static final double ORDER_IN_STORE = 0.35;
  static final double EMAIL_CLICK_THROUGH = 0.25;

  // Devices.
  static final double DEVICE_ACTIVATED = 0.75;
  static final double ACTIVATED_SAME_DAY = 0.15;

  // Payments.
  static final double FAIL_BRONZE = 0.10;
  static final double FAIL_SILVER = 0.07;
  static final double FAIL_GOLD = 0.04;
  static final double CALLS_AFTER_FAILURE = 0.60;
  /** Weights of 1, 2, 3 and 4 calls after a failed payment. */
  static final double[] CALL_COUNT = {0.30, 0.35, 0.20, 0.15};
  static final double RETRY_SUCCEEDS = 0.65;

  // Support.
  static final double CASE_RESOLVED = 0.85;
  static final double SURVEY_AFTER_RESOLUTION = 0.30;
  static final double CALL_AGAIN = 0.15;

  static final List<String> PAGES = List.of("home", "phones", "plans", "support", "billing");
  static final double[] PAGE_WEIGHTS = {0.25, 0.25, 0.20, 0.15, 0.15};
  static final List<String> PHONES = List.of("iphone-16", "galaxy-s25", "pixel-10", "moto-g85",
      "fairphone-5");
  static final List<String> ACCESSORIES = List.of("case-basic", "charger-45w", "earbuds-pro",
      "screen-guard");
  static final List<String> PLANS = List.of("plan-basic-20", "plan-5g-unlimited", "plan-family",
      "plan-business-pro");
  static final List<String> CAMPAIGNS = List.of("spring-promo", "5g-upgrade", "loyalty-rewards",
      "bill-reminder", "roaming-pass");
  static final List<String> FAILURE_REASONS = List.of("insufficient_funds", "card_expired",
      "bank_declined");
  static final int STORES = 40;

  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  static final long BILLING_PERIOD = 30 * DAY;
  /** Relative session likelihood by hour of day (UTC): quiet nights, busy days and evenings. */
  private static final double[] HOUR_OF_DAY = {0.10, 0.05, 0.05, 0.05, 0.10, 0.20, 0.40, 0.60,
      0.80, 0.90, 1.00, 1.00, 0.90, 0.90, 0.90, 0.90, 0.90, 1.00, 1.00, 1.00, 0.90, 0.70, 0.40,
      0.20};
  private static final double MEAN_HOUR_WEIGHT = mean(HOUR_OF_DAY);

  private final SplittableRandom random;
  private final Schedule schedule;
  private long cases;

  Storylines(SplittableRandom random, Schedule schedule) {
    this.random = random;
    this.schedule = schedule;
  }

  Customer newCustomer(String id) {
    String tier = pick(new String[] {"gold", "silver", "bronze"}, GOLD, SILVER);
    String segment = chance(BUSINESS) ? "business" : "consumer";
    String device = pick(new String[] {"android", "iphone", "tablet"}, 0.50, 0.45);
    long tenure = 1 + Math.min(179, (long) exponential(1.0 / 30));
    double mu = Math.log(ACTIVITY_MEAN_PER_DAY) - ACTIVITY_SIGMA * ACTIVITY_SIGMA / 2;
    double perDay = Math.min(MAX_SESSIONS_PER_DAY, Math.exp(mu + ACTIVITY_SIGMA * gaussian()));
    double bill = "business".equals(segment) ? between(60, 300) : between(20, 90);
    String store = String.format("store-%03d", 1 + random.nextInt(STORES));
    return new Customer(id, tier, segment, device, tenure, perDay, cents(bill), store);
  }

  void profile(Customer c, long t) {
    schedule.event(t, c, "profile.updated", Channel.OTHER, attributes(
        "tier", c.tier, "segment", c.segment, "preferredDevice", c.preferredDevice,
        "tenureMonths", c.tenureMonths));
  }

  /** When the customer's next session starts: Poisson arrivals thinned by hour of day. */
  long nextSession(Customer c, long after) {
    double perMs = c.sessionsPerDay / MEAN_HOUR_WEIGHT / DAY;
    long t = after;
    do {
      t += 1 + (long) exponential(perMs);
    } while (random.nextDouble() >= HOUR_OF_DAY[(int) ((t / HOUR) % 24)]);
    return t;
  }

  long firstBill(long profileTime) {
    return profileTime + HOUR + random.nextLong(BILLING_PERIOD);
  }

  void session(Customer c, long t) {
    if (c.loyal() && chance(TRADE_IN_BROWSE)) {
      tradeIn(c, t);
      return;
    }
    double kind = random.nextDouble();
    if ((kind -= EMAIL) < 0) {
      email(c, t);
    } else if ((kind -= SUPPORT) < 0) {
      supportCase(c, t);
    } else if ((kind -= CALL) < 0) {
      call(c, t);
    } else if ((kind -= STORE) < 0) {
      storeVisit(c, t, null);
    } else if ((kind -= SURVEY) < 0) {
      survey(c, t, 6);
    } else {
      browse(c, t);
    }
  }

  /** A monthly bill: paid, or failed and then (often) calls and (often) a later retry. */
  void bill(Customer c, long t) {
    if (chance(TIER_CHANGE_PER_BILL)) {
      tierChange(c, t + HOUR + random.nextLong(DAY));
    }
    double failure = switch (c.tier) {
      case "gold" -> FAIL_GOLD;
      case "silver" -> FAIL_SILVER;
      default -> FAIL_BRONZE;
    };
    if (!chance(failure)) {
      schedule.event(t, c, "payment.succeeded", Channel.PAYMENT, attributes("amount", c.monthlyBill));
      return;
    }
    schedule.event(t, c, "payment.failed", Channel.PAYMENT, attributes("amount", c.monthlyBill,
        "reason", any(FAILURE_REASONS)));
    long last = t;
    if (chance(CALLS_AFTER_FAILURE)) {
      int calls = 1 + index(CALL_COUNT);
      long call = t + minutes(5, 45);
      for (int i = 0; i < calls && call < t + 3 * HOUR - MINUTE; i++) {
        schedule.event(call, c, "call.inbound", chance(0.8) ? Channel.CALL_CENTER : Channel.IVR,
            attributes("reason", pick(new String[] {"billing", "technical", "other"}, 0.8, 0.1)));
        last = call;
        call += minutes(10, 40);
      }
    }
    if (chance(RETRY_SUCCEEDS)) {
      schedule.event(last + 4 * HOUR + random.nextLong(4 * DAY), c, "payment.succeeded",
          Channel.PAYMENT, attributes("amount", c.monthlyBill));
    }
  }

  private void browse(Customer c, long t) {
    Channel channel = chance(0.55) ? Channel.APP : Channel.WEB;
    int views = 1 + random.nextInt(5);
    String lastPage = null;
    for (int i = 0; i < views; i++) {
      lastPage = i == 0 && chance(0.5) ? "home" : PAGES.get(index(PAGE_WEIGHTS));
      Map<String, Object> page = attributes("page", lastPage);
      if ("phones".equals(lastPage) && chance(0.7)) {
        page.put("productId", any(PHONES));
      } else if ("plans".equals(lastPage) && chance(0.6)) {
        page.put("productId", any(PLANS));
      }
      schedule.event(t, c, "page.view", channel, page);
      t += seconds(20, 240);
      if (chance(SWITCH_CHANNEL)) {
        // Picked up on the other device: a session that spans channels.
        channel = channel == Channel.APP ? Channel.WEB : Channel.APP;
      }
    }
    if (chance(ORDER_AFTER_BROWSE)) {
      String productType = "phones".equals(lastPage) && chance(0.6) ? "device"
          : pick(new String[] {"device", "accessory", "plan"}, 0.3, 0.4);
      order(c, t, channel, productType, null, false);
    }
  }

  /** Loyal customers look at new phones on the web and often come to a store within days. */
  private void tradeIn(Customer c, long t) {
    String phone = any(PHONES);
    int views = 1 + random.nextInt(3);
    for (int i = 0; i < views; i++) {
      schedule.event(t, c, "page.view", Channel.WEB, attributes("page", "phones",
          "productId", phone));
      t += seconds(30, 240);
    }
    if (chance(TRADE_IN_STORE_VISIT)) {
      storeVisit(c, t + DAY + random.nextLong(3 * DAY), phone);
    }
  }

  private void storeVisit(Customer c, long t, String tradeInPhone) {
    schedule.event(t, c, "store.visit", Channel.STORE, attributes("storeId", c.homeStore));
    long at = t + minutes(10, 40);
    if (tradeInPhone != null) {
      if (chance(TRADE_IN_ORDER)) {
        order(c, at, Channel.STORE, "device", tradeInPhone, true);
      }
    } else if (chance(ORDER_IN_STORE)) {
      order(c, at, Channel.STORE, pick(new String[] {"device", "accessory", "plan"}, 0.5, 0.3),
          null, false);
    }
  }

  private void order(Customer c, long t, Channel channel, String productType, String productId,
      boolean tradeIn) {
    String product;
    double amount;
    switch (productType) {
      case "device" -> {
        product = productId != null ? productId : any(PHONES);
        amount = between(199, 1299);
      }
      case "accessory" -> {
        product = any(ACCESSORIES);
        amount = between(9, 80);
      }
      default -> {
        product = any(PLANS);
        amount = between(15, 80);
      }
    }
    Map<String, Object> facts = attributes("productType", productType, "productId", product,
        "amount", cents(amount));
    if (tradeIn) {
      facts.put("tradeIn", true);
    }
    schedule.event(t, c, "order.completed", channel, facts);
    if ("device".equals(productType) && chance(DEVICE_ACTIVATED)) {
      long delay = chance(ACTIVATED_SAME_DAY) ? 2 * HOUR + random.nextLong(22 * HOUR)
          : DAY + random.nextLong(2 * DAY);
      schedule.event(t + delay, c, "device.activated", Channel.APP, attributes("productId", product));
    }
  }

  private void email(Customer c, long t) {
    String campaign = any(CAMPAIGNS);
    schedule.event(t, c, "email.opened", Channel.EMAIL, attributes("campaign", campaign));
    if (chance(EMAIL_CLICK_THROUGH)) {
      String page = switch (campaign) {
        case "5g-upgrade", "roaming-pass" -> "plans";
        case "bill-reminder" -> "billing";
        default -> "phones";
      };
      schedule.event(t + seconds(30, 600), c, "page.view", Channel.WEB, attributes("page", page));
    }
  }

  private void supportCase(Customer c, long t) {
    String category = pick(new String[] {"billing", "network", "device"}, 0.35, 0.40);
    String caseId = "case-" + (++cases);
    Channel channel = Channel.CHAT;
    if (chance(0.55)) {
      channel = Channel.CALL_CENTER;
      schedule.event(t, c, "call.inbound", Channel.CALL_CENTER,
          attributes("reason", "billing".equals(category) ? "billing" : "technical"));
      t += minutes(2, 8);
    }
    schedule.event(t, c, "support.case.opened", channel, attributes("caseId", caseId,
        "category", category));
    if (chance(CASE_RESOLVED)) {
      long resolved = t + switch (category) {
        case "billing" -> 2 * HOUR + random.nextLong(22 * HOUR);
        case "network" -> 6 * HOUR + random.nextLong(4 * DAY);
        default -> DAY + random.nextLong(4 * DAY);
      };
      schedule.event(resolved, c, "support.case.resolved", channel, attributes("caseId", caseId,
          "category", category));
      if (chance(SURVEY_AFTER_RESOLUTION)) {
        survey(c, resolved + HOUR + random.nextLong(23 * HOUR), 7);
      }
    }
  }

  /** A call without a case; sometimes the customer calls back, which repeated-calls looks for. */
  private void call(Customer c, long t) {
    String reason = pick(new String[] {"technical", "other", "billing"}, 0.45, 0.35);
    int calls = chance(CALL_AGAIN) ? 2 + random.nextInt(2) : 1;
    for (int i = 0; i < calls; i++) {
      schedule.event(t, c, "call.inbound", chance(0.6) ? Channel.CALL_CENTER : Channel.IVR,
          attributes("reason", reason));
      t += minutes(20, 80);
    }
  }

  /** NPS-style score around {@code typical}: 6 unprompted, 7 after a resolved case. */
  private void survey(Customer c, long t, int typical) {
    long score = Math.max(0, Math.min(10, Math.round(typical + 2.2 * gaussian())));
    schedule.event(t, c, "survey.completed", Channel.SURVEY, attributes("score", score));
  }

  private void tierChange(Customer c, long t) {
    String next = switch (c.tier) {
      case "bronze" -> "silver";
      case "gold" -> "silver";
      default -> chance(0.6) ? "gold" : "bronze";
    };
    c.tier = next;
    schedule.event(t, c, "profile.updated", Channel.OTHER, attributes("tier", next));
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private double between(double low, double high) {
    return low + (high - low) * random.nextDouble();
  }

  private long seconds(long low, long high) {
    return (low + random.nextLong(high - low + 1)) * SECOND;
  }

  private long minutes(long low, long high) {
    return (low + random.nextLong(high - low + 1)) * MINUTE;
  }

  private double exponential(double rate) {
    return -Math.log(1 - random.nextDouble()) / rate;
  }

  /** Box-Muller on our own stream, so the values do not depend on the JDK's gaussian. */
  private double gaussian() {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private <T> T any(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** The first value with probability {@code first}, the second with {@code second}, else the third. */
  private String pick(String[] three, double first, double second) {
    double u = random.nextDouble();
    return u < first ? three[0] : u < first + second ? three[1] : three[2];
  }

  private int index(double[] weights) {
    double u = random.nextDouble();
    for (int i = 0; i < weights.length - 1; i++) {
      if ((u -= weights[i]) < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static double cents(double amount) {
    return Math.round(amount * 100) / 100.0;
  }

  private static Map<String, Object> attributes(Object... keysAndValues) {
    Map<String, Object> map = new HashMap<>(keysAndValues.length);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
