//! Redaction of personal data in quotes and KWIC lines: fødselsnummer and D-nummer (with check digits), phone numbers, e-mail addresses. (scaffold: issue 3)
