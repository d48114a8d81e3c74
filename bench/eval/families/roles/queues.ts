import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";

/** A queue and its consumers. Depths are messages, flows messages per second, consumers a count. */
export interface QueueRole {
  readonly name: string;
  readonly words: readonly string[];
  /** Messages waiting (or a consumer group's lag). */
  readonly depth: MetricRole;
  /** Consumers attached; absent where the broker does not say (SQS). */
  readonly consumers?: MetricRole;
  /** Messages taken off the queue: falls to 0 when the consumers are gone. */
  readonly outflow?: MetricRole;
  /** Messages arriving. */
  readonly inflow?: MetricRole;
  /** How many consumers such a queue has, [min, max]. */
  readonly consumerCount: readonly [number, number];
}

export const QUEUES: readonly QueueRole[] = [
  {
    name: "rabbitmq",
    words: ["rabbitmq", "rabbit", "the queue"],
    depth: catalogRole("rabbitmq.queue.messages_ready"),
    consumers: catalogRole("rabbitmq.queue.consumers", { integer: true }),
    outflow: catalogRole("rabbitmq.queue.messages.deliver_get.rate"),
    inflow: catalogRole("rabbitmq.queue.messages.publish.rate"),
    consumerCount: [2, 24],
  },
  {
    name: "kafka",
    words: ["kafka", "the consumer group", "the consumers"],
    depth: catalogRole("kafka.consumer_lag"),
    consumers: catalogRole("kafka.consumer_group.members", { integer: true }),
    inflow: catalogRole("kafka.topic.message_rate"),
    consumerCount: [3, 32],
  },
  {
    name: "sidekiq",
    words: ["sidekiq", "the job queue", "background jobs"],
    // Metadata calls these counts; they are sizes sampled at each check.
    depth: catalogRole("sidekiq.enqueued", { reading: "gauge", integer: true }),
    consumers: catalogRole("sidekiq.busy", { reading: "gauge", integer: true }),
    outflow: catalogRole("sidekiq.processed"),
    consumerCount: [4, 40],
  },
  {
    name: "celery",
    words: ["celery", "the workers", "the task queue"],
    depth: ownRole("celery.queue.length", "custom", { unit: "task", metric_type: "gauge" }),
    consumers: catalogRole("celery.flower.worker.online", { integer: true }),
    outflow: catalogRole("celery.flower.worker.executing_tasks", { integer: true }),
    consumerCount: [2, 16],
  },
  {
    name: "activemq",
    words: ["activemq", "the broker", "the queue"],
    depth: catalogRole("activemq.queue.size"),
    consumers: catalogRole("activemq.queue.consumer_count", { integer: true }),
    // Running totals of messages enqueued and dequeued.
    inflow: catalogRole("activemq.queue.enqueue_count", { reading: "cumulative" }),
    outflow: catalogRole("activemq.queue.dequeue_count", { reading: "cumulative" }),
    consumerCount: [1, 12],
  },
  {
    name: "sqs",
    words: ["sqs", "the queue", "the sqs queue"],
    depth: ownRole("aws.sqs.approximate_number_of_messages_visible", "aws", {
      unit: "message",
      metric_type: "gauge",
    }),
    outflow: ownRole("aws.sqs.number_of_messages_deleted", "aws", {
      unit: "message",
      metric_type: "count",
      reading: "count",
    }),
    inflow: ownRole("aws.sqs.number_of_messages_sent", "aws", {
      unit: "message",
      metric_type: "count",
      reading: "count",
    }),
    consumerCount: [1, 1],
  },
];
