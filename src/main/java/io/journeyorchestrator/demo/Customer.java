package io.journeyorchestrator.demo;

/**
 * What the generator knows about one simulated customer. Fixed facts are drawn once from the
 * seed; the tier can change over time, and {@code lastTimestamp} keeps late-shifted events from
 * overtaking the customer's own earlier events, so each customer's stories stay in order.
 */
final class Customer {
  final String id;
  final String segment;
  final String preferredDevice;
  final long tenureMonths;
  /** Mean sessions a day; heavy-tailed across customers, so a few are far more active. */
  final double sessionsPerDay;
  final double monthlyBill;
  final String homeStore;
  String tier;
  long lastTimestamp;

  Customer(String id, String tier, String segment, String preferredDevice, long tenureMonths,
      double sessionsPerDay, double monthlyBill, String homeStore) {
    this.id = id;
    this.tier = tier;
    this.segment = segment;
    this.preferredDevice = preferredDevice;
    this.tenureMonths = tenureMonths;
    this.sessionsPerDay = sessionsPerDay;
    this.monthlyBill = monthlyBill;
    this.homeStore = homeStore;
  }

  /** Gold with at least two years of tenure: the audience of the trade-in story. */
  boolean loyal() {
    return "gold".equals(tier) && tenureMonths >= 24;
  }
}
