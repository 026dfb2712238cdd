// Every links test runs with URL_DNS_CHECK on (the production setting): its DoH lookups go to the fake.
import "./fake-doh";
