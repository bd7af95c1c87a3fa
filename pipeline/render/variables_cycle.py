"""The variables of the documents of the clerk's cycle around the minutes:
the register of the year (registre.docx) and the convocation pack
(ordre-du-jour, convocations, feuille d’émargement, pouvoir, note de
synthèse, projets); listed in render/variables.py's TEMPLATES with the
others."""

from __future__ import annotations

from pipeline.render.variable_types import Group

REGISTER = Group(
    "Variables du registre",
    (
        ("logo", "vide : le registre n’imprime pas de logo"),
        ("organisme", "champ Organisme de la dernière séance, initiale en capitale"),
        ("titre", "« Registre des délibérations »"),
        ("annee", "l’année du registre"),
        ("entete", "l’en-tête des pages hors séances ; dans chaque séance, sa date"),
        ("sous_titre", "« Année » et l’année"),
        ("introduction", "la phrase qui présente le registre"),
        ("non_incluses_intitule", "le titre de la liste des réunions non incluses"),
        ("non_incluses", "les réunions de l’année qui ont des problèmes, ou liste vide"),
        ("seances", "les séances incluses, dans l’ordre des dates"),
        ("titre_par_date", "le titre de la table chronologique"),
        ("titre_par_titre", "le titre de la table par objet"),
        ("titre_par_matiere", "le titre de la table par matière"),
        ("par_date", "les lignes de la table chronologique"),
        ("par_titre", "les lignes de la table par objet, dans l’ordre alphabétique"),
        ("par_matiere", "les matières, dans l’ordre de leur code"),
    ),
)
REGISTER_LEFT_OUT = Group(
    "Chaque réunion non incluse",
    (
        ("r.reunion", "le nom de son dossier"),
        ("r.problemes", "ses erreurs, une ligne chacune"),
    ),
)
REGISTER_MEETING = Group(
    "Chaque séance du registre",
    (
        ("seance.titre", "instance en capitales et date"),
        ("seance.preambule", "la phrase d’ouverture"),
        ("seance.effectifs", "les effectifs à l’ouverture, une ligne courte chacun"),
        ("seance.quorum", "la phrase du quorum"),
        ("seance.deliberations", "ses délibérations, dans l’ordre"),
        ("seance.cloture", "son feuillet de clôture"),
        ("seance.cloture.titre", "« Feuillet de clôture de la séance du » et la date"),
        ("seance.cloture.phrase", "la phrase qui présente ses délibérations"),
        ("seance.cloture.deliberations", "ses délibérations : N°, numéro d’acte, objet"),
        ("seance.cloture.presents_intitule", "« Membres présents » et leur nombre"),
        ("seance.cloture.presents", "les membres présents, comme la liste du procès-verbal"),
        ("seance.cloture.levee", "la levée de séance, ou vide"),
        ("seance.cloture.arrete", "la phrase avant les signatures, ou vide"),
        ("seance.cloture.signatures", "le président, puis chaque secrétaire de séance"),
    ),
)
REGISTER_ITEM = Group(
    "Chaque délibération du registre",
    (
        ("d.signet", "le nom du signet de son titre, où pointent les tables"),
        ("d.signet_id", "le numéro de ce signet"),
    ),
)
REGISTER_CLOSING_ITEM = Group(
    "Chaque délibération du feuillet de clôture",
    (
        ("c.numero", "colonne N°"),
        ("c.numero_acte", "le numéro d’acte, ou vide"),
        ("c.titre", "l’objet (colonne Titre)"),
    ),
)
REGISTER_ROW = Group(
    "Chaque ligne des tables du registre",
    (
        ("t.date", "la date de la séance"),
        ("t.numero", "colonne N°"),
        ("t.numero_acte", "le numéro d’acte, ou vide"),
        ("t.titre", "l’objet (colonne Titre)"),
        ("t.signet", "le signet de la délibération : son feuillet par un champ PAGEREF"),
    ),
)
REGISTER_SUBJECT = Group(
    "Chaque matière du registre",
    (
        ("m.matiere", "le code ACTES et son nom, ou « Sans matière »"),
        ("m.deliberations", "ses lignes, dans l’ordre des dates"),
    ),
)

CONVOCATION_COMMON = (
    ("logo", "l’image du logo, ou vide"),
    ("organisme", "champ Organisme, initiale en capitale"),
    ("titre", "instance en capitales et date de la séance"),
    ("sous_titre", "le nom du document"),
)
AGENDA = Group(
    "Variables de l’ordre du jour",
    (
        *CONVOCATION_COMMON,
        ("annonce", "la phrase qui annonce la séance : jour, date, heure et lieu"),
        ("conditions", "l’urgence ou la deuxième convocation, une phrase chacune"),
        ("approbation", "« Approbation du procès-verbal de la réunion du … », ou vide"),
        ("parties", "les parties de l’ordre du jour, numérotées comme au procès-verbal"),
        ("fait_a", "« Ville, le date de convocation »"),
        ("signataire", "le signataire de la convocation"),
        ("affichage", "la mention de l’affichage"),
    ),
)
AGENDA_PART = Group(
    "Chaque partie de l’ordre du jour",
    (
        ("partie.numero", "chiffre romain"),
        ("partie.titre", "colonne Partie"),
        ("partie.intitule", "« I – Titre »"),
        ("partie.points", "ses points : « 1. Titre », puis les autres points"),
    ),
)
SIGNATORY = Group(
    "Le signataire de la convocation",
    (
        ("signataire.role", "« Le Président », « La Présidente » ou sa fonction"),
        ("signataire.nom", "son nom, « Prénom NOM »"),
    ),
)
LETTERS = Group(
    "Variables des convocations",
    (
        *CONVOCATION_COMMON,
        ("fait_a", "« Ville, le date de convocation »"),
        ("convocation", "la phrase de convocation : séance, jour, date, heure et lieu"),
        ("conditions", "l’urgence ou la deuxième convocation, une phrase chacune"),
        ("ordre_du_jour", "la ligne qui introduit l’ordre du jour"),
        ("approbation", "« Approbation du procès-verbal de la réunion du … », ou vide"),
        ("parties", "les parties de l’ordre du jour"),
        ("note", "la note explicative de synthèse jointe, quand elle est obligatoire, ou vide"),
        ("signataire", "le signataire de la convocation"),
        ("lettres", "une lettre par membre en exercice"),
    ),
)
LETTER = Group(
    "Chaque lettre",
    (
        ("l.nom", "le membre, « Prénom NOM »"),
        ("l.destinataire", "les lignes de l’adresse : civilité et nom, Fonction, Adresse"),
        ("l.appel", "« Madame, » ou « Monsieur, »"),
        ("l.pouvoir", "la règle du pouvoir (CGCT L2121-20), accordée"),
        ("l.salutations", "la formule de politesse"),
    ),
)
SIGN_IN = Group(
    "Variables de la feuille d’émargement",
    (
        *CONVOCATION_COMMON,
        ("seance", "jour, date et heure de la séance"),
        ("en_exercice", "le nombre de membres en exercice"),
        ("colleges", "les collèges, dans l’ordre de la feuille Présences"),
    ),
)
SIGN_IN_COLLEGE = Group(
    "Chaque collège de la feuille d’émargement",
    (
        ("g.college", "colonne Collège, ou vide"),
        ("g.membres", "ses membres, dans l’ordre"),
    ),
)
SIGN_IN_MEMBER = Group(
    "Chaque membre de la feuille d’émargement",
    (
        ("m.nom", "le membre, « Mme Prénom NOM »"),
        ("m.fonction", "colonne Fonction, ou vide"),
    ),
)
PROXY_FORM = Group(
    "Variables du pouvoir",
    (
        *CONVOCATION_COMMON,
        ("texte", "les paragraphes du pouvoir, à compléter à la main"),
        ("notes", "les règles du pouvoir (CGCT L2121-20)"),
    ),
)
SYNTHESIS = Group(
    "Variables de la note explicative de synthèse",
    (
        *CONVOCATION_COMMON,
        ("introduction", "la phrase qui présente la note : séance et article L2121-12"),
        ("parties", "les parties qui ont des délibérations, numérotées comme au procès-verbal"),
    ),
)
SYNTHESIS_PART = Group(
    "Chaque partie de la note",
    (
        ("partie.numero", "chiffre romain"),
        ("partie.titre", "colonne Partie"),
        ("partie.intitule", "« I – Titre »"),
        ("partie.deliberations", "ses délibérations, dans l’ordre"),
    ),
)
DRAFT_ITEM = Group(
    "Chaque point de la note et du projet",
    (
        ("d.numero", "colonne N°"),
        ("d.titre", "colonne Titre"),
        ("d.intitule", "« 1. Titre », comme au procès-verbal"),
        ("d.expose", "les paragraphes de la colonne Exposé"),
        (
            "d.expose_document",
            "l’exposé tiré d’un document Word, ou vide ; seul dans son paragraphe",
        ),
        ("d.decision", "les paragraphes de la colonne Décision : la décision proposée"),
    ),
)
DRAFT = Group(
    "Variables du projet de délibération",
    (
        *CONVOCATION_COMMON,
        ("mention", "la mention « PROJET » : le texte sera soumis au vote"),
        ("d", "le point, avec les variables de ceux de la note"),
    ),
)
