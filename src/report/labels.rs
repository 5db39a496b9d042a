//! The words a report is written in: Bokmål, Nynorsk or English, and numbers as each
//! language writes them (decimal comma in Norwegian).

use crate::lexicon::Theme;
use std::str::FromStr;

/// The report's language (`--lang`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nb,
    Nn,
    En,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "nb" => Ok(Lang::Nb),
            "nn" => Ok(Lang::Nn),
            "en" => Ok(Lang::En),
            _ => Err(format!("unknown language `{s}` (expected nb, nn or en)")),
        }
    }
}

/// Fixed texts of a report.
pub struct Labels {
    pub html_lang: &'static str,
    pub title: &'static str,
    pub question: &'static str,
    pub theme: &'static str,
    pub answers: &'static str,
    pub share: &'static str,
    pub no_theme: &'static str,
    pub missing: &'static str,
    pub total: &'static str,
    pub chart: &'static str,
    pub examples: &'static str,
    pub uncoded: &'static str,
    pub crosstab: &'static str,
    pub crosstab_note: &'static str,
    pub crosstab_chart: &'static str,
    pub several_themes: &'static str,
    pub blank_group: &'static str,
    pub redacted: &'static str,
    pub file: &'static str,
    pub lexicon: &'static str,
    pub version: &'static str,
    pub made_with: &'static str,
    pub date: &'static str,
    pub none_uncoded: &'static str,
}

const NB: Labels = Labels {
    html_lang: "nb",
    title: "Temarapport",
    question: "Spørsmål",
    theme: "Tema",
    answers: "Antall",
    share: "% av svarene",
    no_theme: "(uten tema)",
    missing: "Manglende svar",
    total: "Totalt",
    chart: "Andel svar per tema",
    examples: "Eksempler på svar",
    uncoded: "Svar uten tema",
    crosstab: "Krysstabell etter",
    crosstab_note: "Hver celle: antall svar med temaet og % av N i gruppen.",
    crosstab_chart: "Andel per gruppe for de vanligste temaene",
    several_themes: "Et svar kan ha flere tema, så prosentene summerer til mer enn 100.",
    blank_group: "(tom)",
    redacted: "Fødselsnummer, telefonnummer og e-postadresser i sitatene er erstattet med [FNR], [TLF] og [EPOST].",
    file: "Fil",
    lexicon: "Leksikon",
    version: "versjon",
    made_with: "laget med tema",
    date: "dato",
    none_uncoded: "Alle svar med tekst fikk minst ett tema.",
};

const NN: Labels = Labels {
    html_lang: "nn",
    title: "Temarapport",
    question: "Spørsmål",
    theme: "Tema",
    answers: "Tal",
    share: "% av svara",
    no_theme: "(utan tema)",
    missing: "Manglande svar",
    total: "Totalt",
    chart: "Del av svara per tema",
    examples: "Døme på svar",
    uncoded: "Svar utan tema",
    crosstab: "Krysstabell etter",
    crosstab_note: "Kvar celle: tal på svar med temaet og % av N i gruppa.",
    crosstab_chart: "Del per gruppe for dei vanlegaste temaa",
    several_themes: "Eit svar kan ha fleire tema, så prosentane summerer til meir enn 100.",
    blank_group: "(tom)",
    redacted: "Fødselsnummer, telefonnummer og e-postadresser i sitata er bytte ut med [FNR], [TLF] og [EPOST].",
    file: "Fil",
    lexicon: "Leksikon",
    version: "versjon",
    made_with: "laga med tema",
    date: "dato",
    none_uncoded: "Alle svar med tekst fekk minst eitt tema.",
};

const EN: Labels = Labels {
    html_lang: "en",
    title: "Theme report",
    question: "Question",
    theme: "Theme",
    answers: "Answers",
    share: "% of answers",
    no_theme: "(no theme)",
    missing: "Missing answers",
    total: "Total",
    chart: "Share of answers per theme",
    examples: "Example answers",
    uncoded: "Answers with no theme",
    crosstab: "Crosstab by",
    crosstab_note: "Each cell: answers with the theme and % of the group's N.",
    crosstab_chart: "Share per group for the most frequent themes",
    several_themes: "An answer can have several themes, so the percentages add up to more than 100.",
    blank_group: "(blank)",
    redacted: "National identity numbers, phone numbers and e-mail addresses in quotes are replaced by [FNR], [TLF] and [EPOST].",
    file: "File",
    lexicon: "Lexicon",
    version: "version",
    made_with: "made with tema",
    date: "date",
    none_uncoded: "Every answer with text got at least one theme.",
};

impl Lang {
    pub fn labels(self) -> &'static Labels {
        match self {
            Lang::Nb => &NB,
            Lang::Nn => &NN,
            Lang::En => &EN,
        }
    }

    /// The theme's label in this language (its id when the lexicon has none).
    pub fn theme_label(self, theme: &Theme) -> String {
        let label = match self {
            Lang::Nb => &theme.nb,
            Lang::Nn => &theme.nn,
            Lang::En => &theme.en,
        };
        if label.trim().is_empty() {
            theme.id.clone()
        } else {
            label.clone()
        }
    }

    /// `count` as a percentage of `n` with one decimal: `15,8 %` (Norwegian) or
    /// `15.8 %` (English); `–` when `n` is 0.
    pub fn percent(self, count: usize, n: usize) -> String {
        if n == 0 {
            return "–".into();
        }
        let s = format!("{:.1} %", 100.0 * count as f64 / n as f64);
        match self {
            Lang::En => s,
            _ => s.replace('.', ","),
        }
    }

    /// The line under a question's heading: N, missing, no theme.
    pub fn summary_line(self, n: usize, missing: usize, no_theme: usize) -> String {
        match self {
            Lang::Nb => format!("N = {n} svar med tekst. {missing} manglende svar (tomme eller «vet ikke» o.l.) er holdt utenfor N. {no_theme} svar fikk ikke noe tema."),
            Lang::Nn => format!("N = {n} svar med tekst. {missing} manglande svar (tomme eller «veit ikkje» o.l.) er haldne utanfor N. {no_theme} svar fekk ikkje noko tema."),
            Lang::En => format!("N = {n} answers with text. {missing} missing answers (blank, \"don't know\" etc.) are not part of N. {no_theme} answers got no theme."),
        }
    }

    /// The note above the list of uncoded answers.
    pub fn uncoded_note(self, shown: usize, total: usize) -> String {
        match self {
            Lang::Nb => {
                format!("Viser {shown} av {total}. Les dem for å se om leksikonet mangler ord.")
            }
            Lang::Nn => {
                format!("Viser {shown} av {total}. Les dei for å sjå om leksikonet manglar ord.")
            }
            Lang::En => format!(
                "Showing {shown} of {total}. Read them to see whether the lexicon misses words."
            ),
        }
    }

    /// The heading of a theme's example answers: label and count.
    pub fn examples_of(self, label: &str, count: usize) -> String {
        match self {
            Lang::Nb | Lang::Nn => format!("{label} ({count} svar)"),
            Lang::En => format!("{label} ({count} answers)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_per_language() {
        assert_eq!(Lang::Nb.percent(3, 19), "15,8 %");
        assert_eq!(Lang::Nn.percent(1, 3), "33,3 %");
        assert_eq!(Lang::En.percent(3, 19), "15.8 %");
        assert_eq!(Lang::En.percent(0, 0), "–");
        assert_eq!(Lang::Nb.percent(19, 19), "100,0 %");
    }

    #[test]
    fn languages_parse_and_differ() {
        assert_eq!("nn".parse::<Lang>().unwrap(), Lang::Nn);
        assert!("de".parse::<Lang>().is_err());
        assert_ne!(Lang::Nb.labels().no_theme, Lang::Nn.labels().no_theme);
        assert_ne!(Lang::Nb.labels().no_theme, Lang::En.labels().no_theme);
    }
}
