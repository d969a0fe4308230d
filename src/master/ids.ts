/**
 * Master-generated ids in Mesos's formats (reference §0.4): framework
 * `<master-id>-<4-digit seq>`, agent `<master-id>-S<n>`, offer `<master-id>-O<n>`.
 */
export class IdGenerator {
  private frameworks = 0;
  private agents = 0;
  private offers = 0;

  constructor(readonly masterId: string) {}

  nextFrameworkId(): string {
    return `${this.masterId}-${String(this.frameworks++).padStart(4, '0')}`;
  }

  nextAgentId(): string {
    return `${this.masterId}-S${this.agents++}`;
  }

  nextOfferId(): string {
    return `${this.masterId}-O${this.offers++}`;
  }
}
